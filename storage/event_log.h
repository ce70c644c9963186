// File: event_log.h
// -----------------------------------------------------------------------------
// EventLog: the append-only history (stored as EventRecord, given as pfx.v1.PrefixEvent) of
// registered and peering service prefixes, in the `events` column keyed by resource + global
// sequence, so a resource's events list in order and deleting a resource drops its history in the
// same batch. Thread-safe (the sequence is atomic; RocksDB does the rest).

#ifndef PFX_STORAGE_EVENT_LOG_H_
#define PFX_STORAGE_EVENT_LOG_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "pfx/v1/common.pb.h"
#include "storage/database.h"

namespace pfx {

class EventLog {
 public:
  enum Kind : char { kRegisteredPrefix = 'R', kServicePrefix = 'S' };

  static absl::StatusOr<std::unique_ptr<EventLog>> Open(Database* db);

  void Append(WriteSet& writes, Kind kind, absl::string_view resource_key,
              const v1::PrefixEvent& event);
  // The most recent `limit` events, oldest first.
  absl::StatusOr<std::vector<v1::PrefixEvent>> Recent(Kind kind, absl::string_view resource_key,
                                                      size_t limit) const;
  absl::Status DeleteAll(WriteSet& writes, Kind kind, absl::string_view resource_key) const;

 private:
  explicit EventLog(Database* db) : db_(db) {}
  Database* db_;
  std::atomic<uint64_t> next_seq_{1};
};

}  // namespace pfx

#endif  // PFX_STORAGE_EVENT_LOG_H_
