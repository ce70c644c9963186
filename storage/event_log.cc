#include "storage/event_log.h"

#include <deque>

#include "storage/keys.h"
#include "storage/records.h"

namespace pfx {

absl::StatusOr<std::unique_ptr<EventLog>> EventLog::Open(Database* db) {
  auto log = std::unique_ptr<EventLog>(new EventLog(db));
  uint64_t max_seq = 0;
  // Sequence numbers are the last 8 bytes of each key; the global maximum needs a full scan
  // of keys only once at start-up.
  absl::Status s = db->Scan(Column::kEvents, "", "", [&](absl::string_view key, absl::string_view) {
    max_seq = std::max(max_seq, keys::ParseSequence(key));
    return true;
  });
  if (!s.ok()) return s;
  log->next_seq_ = max_seq + 1;
  return log;
}

void EventLog::Append(WriteSet& writes, Kind kind, absl::string_view resource_key,
                      const v1::PrefixEvent& event) {
  writes.Put(Column::kEvents, keys::Event(kind, resource_key, next_seq_.fetch_add(1)),
             ToRecord(event).SerializeAsString());
}

absl::StatusOr<std::vector<v1::PrefixEvent>> EventLog::Recent(Kind kind,
                                                              absl::string_view resource_key,
                                                              size_t limit) const {
  std::string prefix = keys::EventPrefix(kind, resource_key);
  std::deque<v1::PrefixEvent> recent;  // as stored: EventRecord
  absl::Status parse_error;
  absl::Status s =
      db_->Scan(Column::kEvents, prefix, keys::PrefixEnd(prefix),
                [&](absl::string_view, absl::string_view value) {
                  EventRecord e;
                  if (!e.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
                    parse_error = absl::DataLossError("stored event does not parse");
                    return false;
                  }
                  recent.push_back(ToApi(e));
                  if (recent.size() > limit) recent.pop_front();
                  return true;
                });
  if (!s.ok()) return s;
  if (!parse_error.ok()) return parse_error;
  return std::vector<v1::PrefixEvent>(recent.begin(), recent.end());
}

absl::Status EventLog::DeleteAll(WriteSet& writes, Kind kind,
                                 absl::string_view resource_key) const {
  std::string prefix = keys::EventPrefix(kind, resource_key);
  return db_->Scan(Column::kEvents, prefix, keys::PrefixEnd(prefix),
                   [&](absl::string_view key, absl::string_view) {
                     writes.Delete(Column::kEvents, key);
                     return true;
                   });
}

}  // namespace pfx
