// File: records.h
// -----------------------------------------------------------------------------
// Storage records (storage/records.proto) and the API messages built from them. A reply
// never carries a record's bookkeeping (observed origins, last decided state).
// Thread-safe: pure functions.

#ifndef PFX_STORAGE_RECORDS_H_
#define PFX_STORAGE_RECORDS_H_

#include "pfx/v1/peering_service.pb.h"
#include "pfx/v1/registration.pb.h"
#include "storage/records.pb.h"

namespace pfx {

using storage::PeeringServicePrefixRecord;
using storage::RegisteredPrefixRecord;

// `with_events`: Get shows the recent events a record carries; List pages leave them out.
// The record is consumed (pass std::move, or a copy to keep it).
v1::RegisteredPrefix ToApi(RegisteredPrefixRecord record, bool with_events);
v1::PeeringServicePrefix ToApi(PeeringServicePrefixRecord record, bool with_events);

}  // namespace pfx

#endif  // PFX_STORAGE_RECORDS_H_
