// File: records.h
// -----------------------------------------------------------------------------
// Storage records (storage/records.proto) and the pfx.v1 messages they are converted from
// and to. Every resource and event crosses this boundary: nothing stored is an API message.
//   ToRecord(api)   what a create or update stores (the feed's session states are dropped);
//   ToApi(record)   what a reply shows (a prefix record's bookkeeping is dropped);
//   GetAsApi / ListAsApi   read records and give them as API messages.
// Each conversion names every field; tests/storage RecordsTest fails when an API field has
// no counterpart. Thread-safe: pure functions.

#ifndef PFX_STORAGE_RECORDS_H_
#define PFX_STORAGE_RECORDS_H_

#include <optional>
#include <utility>

#include "pfx/v1/peering.pb.h"
#include "pfx/v1/peering_service.pb.h"
#include "pfx/v1/registration.pb.h"
#include "pfx/v1/validation.pb.h"
#include "storage/messages.h"
#include "storage/records.pb.h"

namespace pfx {

using storage::ConnectionRecord;
using storage::EventRecord;
using storage::PeeringRecord;
using storage::PeeringServicePrefixRecord;
using storage::PeeringServicePrefixValidationView;
using storage::PeeringServiceRecord;
using storage::QueueEntryRecord;
using storage::RegisteredAsnRecord;
using storage::RegisteredPrefixRecord;
using storage::RegisteredPrefixValidationView;
using storage::SessionRecord;

// `with_events`: Get shows the recent events a record carries; List pages leave them out.
// The record is consumed (pass std::move, or a copy to keep it).
v1::RegisteredPrefix ToApi(RegisteredPrefixRecord record, bool with_events);
v1::PeeringServicePrefix ToApi(PeeringServicePrefixRecord record, bool with_events);

PeeringRecord ToRecord(const v1::Peering& peering);
v1::Peering ToApi(const PeeringRecord& record);
PeeringServiceRecord ToRecord(const v1::PeeringService& service);
v1::PeeringService ToApi(const PeeringServiceRecord& record);
RegisteredAsnRecord ToRecord(const v1::RegisteredAsn& asn);
v1::RegisteredAsn ToApi(const RegisteredAsnRecord& record);
EventRecord ToRecord(const v1::PrefixEvent& event);
v1::PrefixEvent ToApi(const EventRecord& record);
v1::PrefixEvent ToApi(EventRecord&& record);  // moves the strings
QueueEntryRecord ToRecord(const v1::ValidationTarget& target);
v1::ValidationTarget ToApi(const QueueEntryRecord& record);

// The record under `key` as its API message; nullopt when absent, DATA_LOSS when damaged.
template <typename Record>
auto GetAsApi(const Database& db, Column column, absl::string_view key)
    -> absl::StatusOr<std::optional<decltype(ToApi(std::declval<const Record&>()))>> {
  using Api = decltype(ToApi(std::declval<const Record&>()));
  absl::StatusOr<std::optional<Record>> record = GetMessage<Record>(db, column, key);
  if (!record.ok()) return record.status();
  if (!record->has_value()) return std::optional<Api>();
  return std::optional<Api>(ToApi(**record));
}

// A page of records (storage/messages.h ListMessages) as API messages.
template <typename Record>
auto ListAsApi(const Database& db, Column column, absl::string_view key_prefix,
               absl::string_view page_token, int page_size)
    -> absl::StatusOr<Page<decltype(ToApi(std::declval<const Record&>()))>> {
  absl::StatusOr<Page<Record>> records =
      ListMessages<Record>(db, column, key_prefix, page_token, page_size);
  if (!records.ok()) return records.status();
  Page<decltype(ToApi(std::declval<const Record&>()))> page;
  page.items.reserve(records->items.size());
  for (const Record& r : records->items) page.items.push_back(ToApi(r));
  page.next_page_token = std::move(records->next_page_token);
  return page;
}

}  // namespace pfx

#endif  // PFX_STORAGE_RECORDS_H_
