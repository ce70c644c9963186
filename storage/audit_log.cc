#include "storage/audit_log.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "storage/keys.h"

namespace pfx {
namespace {

constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;

// Whether `resource` is `filter` or lies below it ("peerings/a" covers "peerings/a/x/y" but
// not "peerings/ab").
bool Covers(const std::string& filter, const std::string& resource) {
  if (filter.empty()) return true;
  if (!absl::StartsWith(resource, filter)) return false;
  return resource.size() == filter.size() || resource[filter.size()] == '/';
}

}  // namespace

absl::StatusOr<std::unique_ptr<AuditLog>> AuditLog::Open(Database* db) {
  uint64_t next = 1;
  absl::Status s = db->Scan(Column::kAudit, "", "", [&](absl::string_view key, absl::string_view) {
    next = ~keys::ParseSequence(key) + 1;  // the first key is the newest record's
    return false;
  });
  if (!s.ok()) return s;
  return std::unique_ptr<AuditLog>(new AuditLog(db, next));
}

void AuditLog::Append(WriteSet& writes, v1::AuditRecord record, int64_t time_micros) {
  if (!record.has_time()) {
    record.mutable_time()->set_seconds(time_micros / 1000000);
    record.mutable_time()->set_nanos(static_cast<int32_t>(time_micros % 1000000) * 1000);
  }
  writes.Put(Column::kAudit,
             keys::Sequence(~next_sequence_.fetch_add(1, std::memory_order_relaxed)),
             record.SerializeAsString());
}

absl::StatusOr<v1::ListAuditRecordsResponse> AuditLog::List(
    const v1::ListAuditRecordsRequest& request) const {
  if (request.page_size() < 0 || request.page_size() > kMaxPageSize) {
    return absl::InvalidArgumentError(absl::StrCat("page_size: must be 0-", kMaxPageSize,
                                                   " (0: ", kDefaultPageSize, "), got ",
                                                   request.page_size()));
  }
  const int page_size = request.page_size() == 0 ? kDefaultPageSize : request.page_size();
  // The token is bound to the filters: another filter cannot resume this listing.
  const std::string listing = absl::StrCat("audit\n", request.resource(), "\n", request.caller());
  std::string start;
  if (!request.page_token().empty()) {
    absl::StatusOr<std::string> resume = db_->page_tokens().Resume(listing, request.page_token());
    if (!resume.ok()) return resume.status();
    start = *resume;
  }
  v1::ListAuditRecordsResponse response;
  std::string next;
  absl::Status parse_error;
  absl::Status scanned =
      db_->Scan(Column::kAudit, start, "", [&](absl::string_view key, absl::string_view value) {
        if (response.audit_records_size() == page_size) {
          next = std::string(key);
          return false;
        }
        v1::AuditRecord record;
        if (!record.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          parse_error = absl::DataLossError("an audit record does not parse");
          return false;
        }
        if (!Covers(request.resource(), record.resource())) return true;
        if (!request.caller().empty() && record.caller() != request.caller()) return true;
        *response.add_audit_records() = std::move(record);
        return true;
      });
  if (!scanned.ok()) return scanned;
  if (!parse_error.ok()) return parse_error;
  if (!next.empty()) {
    absl::StatusOr<std::string> token = db_->page_tokens().Issue(listing, next);
    if (!token.ok()) return token.status();
    response.set_next_page_token(*token);
  }
  return response;
}

}  // namespace pfx
