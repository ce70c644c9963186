// Validation service: Revalidate (bulk requeue with a progress stream), WatchValidation.
#include <deque>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "registry/events.h"
#include "registry/input_rules.h"
#include "server/grpc_services.h"
#include "server/write_reactor.h"
#include "storage/keys.h"
#include "storage/records.h"

namespace pfx {
namespace {

// Calls `consider(kind, parent, name, prefix, state)` for each resource of `column` under
// `parent` (all when empty); with `keys_only`, reads just the keys (prefix "", state 0).
template <typename Resource, typename Consider>
absl::Status SelectFrom(const Database& db, Column column, v1::ValidationTarget::Kind kind,
                        const std::string& parent, bool keys_only, Consider& consider) {
  std::string start = parent.empty() ? "" : keys::ChildrenStart(parent);
  std::string end = parent.empty() ? "" : keys::ChildrenEnd(parent);
  return db.Scan(column, start, end, [&](absl::string_view key, absl::string_view value) {
    auto [parent_name, name] = keys::SplitChild(key);
    if (keys_only) {
      consider(kind, std::string(parent_name), std::string(name), "", 0);
      return true;
    }
    Resource resource;
    if (resource.ParseFromArray(value.data(), int(value.size()))) {
      consider(kind, std::string(parent_name), std::string(name), resource.prefix(),
               resource.prefix_validation_state());
    }
    return true;
  });
}

// Passes the targets `r` selects to `sink` in chunks as the scan finds them, so validation
// of the first ones overlaps the rest of the scan. Bad filters fail before any chunk.
absl::Status Select(const Database& db, const v1::RevalidateRequest& r,
                    const std::function<void(std::vector<v1::ValidationTarget>)>& sink) {
  constexpr size_t kChunk = 4096;
  if (auto s = CheckEnumFields(r); !s.ok()) return s;
  if (!r.peering_name().empty() && !r.peering_service_name().empty()) {
    return absl::InvalidArgumentError(
        "peering_name, peering_service_name: set at most one (they select disjoint prefix kinds)");
  }
  if (!r.peering_name().empty()) {
    if (auto s = CheckName("peering_name", r.peering_name()); !s.ok()) return s;
  }
  if (!r.peering_service_name().empty()) {
    if (auto s = CheckName("peering_service_name", r.peering_service_name()); !s.ok()) return s;
  }
  absl::flat_hash_set<std::string> prefixes;
  for (int i = 0; i < r.prefixes_size(); ++i) {
    absl::StatusOr<IpPrefix> p = ParsePrefixField(absl::StrCat("prefixes[", i, "]"), r.prefixes(i));
    if (!p.ok()) return p.status();
    prefixes.insert(p->ToString());
  }
  absl::flat_hash_set<int> states(r.states().begin(), r.states().end());
  std::vector<v1::ValidationTarget> chunk;
  auto consider = [&](v1::ValidationTarget::Kind kind, const std::string& parent,
                      const std::string& name, const std::string& prefix, int state) {
    if (!prefixes.empty() && !prefixes.contains(prefix)) return;
    if (!states.empty() && !states.contains(state)) return;
    v1::ValidationTarget& t = chunk.emplace_back();
    t.set_kind(kind);
    t.set_parent(parent);
    t.set_name(name);
    if (chunk.size() == kChunk) sink(std::exchange(chunk, {}));
  };
  // Without prefix or state filters the keys say everything (parent and name): a full
  // Revalidate then parses none of the stored resources.
  const bool keys_suffice = prefixes.empty() && states.empty();
  if (r.peering_service_name().empty()) {
    absl::Status s = SelectFrom<RegisteredPrefixRecord>(
        db, Column::kRegisteredPrefixes, v1::ValidationTarget::KIND_REGISTERED_PREFIX,
        r.peering_name(), keys_suffice, consider);
    if (!s.ok()) return s;
  }
  if (r.peering_name().empty()) {
    absl::Status s = SelectFrom<PeeringServicePrefixRecord>(
        db, Column::kServicePrefixes, v1::ValidationTarget::KIND_PEERING_SERVICE_PREFIX,
        r.peering_service_name(), keys_suffice, consider);
    if (!s.ok()) return s;
  }
  if (!chunk.empty()) sink(std::move(chunk));
  return absl::OkStatus();
}

// Counts completions of the selected targets as workers publish them.
class ProgressCounter {
 public:
  // Counts `targets` too (call before queueing them).
  void Add(const std::vector<v1::ValidationTarget>& targets) {
    absl::MutexLock lock(&mu_);
    for (const auto& t : targets) {
      if (remaining_.insert(TargetKey(t)).second) ++total_;
    }
  }
  void OnNotices(const std::vector<ValidationNotice>& notices) {
    absl::MutexLock lock(&mu_);
    for (const ValidationNotice& n : notices) {
      if (remaining_.erase(TargetKey(n.change.target())) == 0) continue;
      ++done_;
      ++states_[n.change.new_state()];
    }
  }
  // Waits until everything finished or `not_before`, then until progress differs from
  // `last_done` or `timeout` passes; returns a snapshot.
  v1::RevalidateResponse Snapshot(int64_t last_done, absl::Time not_before,
                                  absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    auto finished = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return done_ == total_; };
    mu_.AwaitWithDeadline(absl::Condition(&finished), not_before);
    auto changed = [this, last_done]()
                       ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return done_ != last_done; };
    mu_.AwaitWithTimeout(absl::Condition(&changed), timeout);
    v1::RevalidateResponse p;
    p.set_total(total_);
    p.set_done(done_);
    for (const auto& [state, count] : states_) {
      (*p.mutable_states())[v1::PrefixValidationState_Name(state)] = count;
    }
    p.set_finished(done_ == total_);
    return p;
  }

 private:
  absl::Mutex mu_;
  absl::flat_hash_set<std::string> remaining_ ABSL_GUARDED_BY(mu_);
  int64_t total_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t done_ ABSL_GUARDED_BY(mu_) = 0;
  absl::flat_hash_map<v1::PrefixValidationState, int64_t> states_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

grpc::ServerWriteReactor<v1::RevalidateResponse>* ValidationService::Revalidate(
    grpc::CallbackServerContext* context, const v1::RevalidateRequest* request) {
  v1::RevalidateRequest copy = *request;
  return ThreadedWriteReactor<v1::RevalidateResponse>::Start(
      [this, copy](ThreadedWriteReactor<v1::RevalidateResponse>* stream) -> grpc::Status {
        ProgressCounter counter;
        uint64_t subscription = notices_->Subscribe(
            [&counter](const std::vector<ValidationNotice>& batch) { counter.OnNotices(batch); });
        absl::Status selected = Select(*db_, copy, [&](std::vector<v1::ValidationTarget> targets) {
          counter.Add(targets);
          registry_->RequeueTransient(targets);
        });
        if (!selected.ok()) {
          notices_->Unsubscribe(subscription);
          return ToGrpcStatus(selected);
        }
        grpc::Status result = grpc::Status::OK;
        // At most one message per kProgressInterval (and the final one at once): a message
        // per completed prefix cost more CPU, here and in the client, than the validation.
        constexpr absl::Duration kProgressInterval = absl::Milliseconds(100);
        int64_t last_done = -1;
        absl::Time next_write = absl::InfinitePast();
        while (true) {
          v1::RevalidateResponse p =
              counter.Snapshot(last_done, next_write, absl::Milliseconds(250));
          if (p.done() != last_done || p.finished()) {
            next_write = absl::Now() + kProgressInterval;
            if (!stream->Write(p)) {
              result = grpc::Status(grpc::StatusCode::CANCELLED, "client went away");
              break;
            }
            last_done = p.done();
          }
          if (p.finished()) break;
          if (stream->WaitCancelled(absl::ZeroDuration())) {
            result = grpc::Status(grpc::StatusCode::CANCELLED, "cancelled");
            break;
          }
        }
        notices_->Unsubscribe(subscription);
        return result;
      });
}

grpc::ServerWriteReactor<v1::WatchValidationResponse>* ValidationService::WatchValidation(
    grpc::CallbackServerContext* context, const v1::WatchValidationRequest* request) {
  v1::WatchValidationRequest filter = *request;
  return ThreadedWriteReactor<v1::WatchValidationResponse>::Start(
      [this, filter](ThreadedWriteReactor<v1::WatchValidationResponse>* stream) -> grpc::Status {
        constexpr size_t kMaxBacklog = 10000;
        absl::Mutex mu;
        std::deque<v1::ValidationStateChange> backlog;
        bool overflow = false;
        auto wanted = [&filter](const ValidationNotice& n) {
          if (n.change.old_state() == n.change.new_state()) return false;
          const v1::ValidationTarget& t = n.change.target();
          if (!filter.peering_name().empty() &&
              (t.kind() != v1::ValidationTarget::KIND_REGISTERED_PREFIX ||
               t.parent() != filter.peering_name())) {
            return false;
          }
          return filter.peering_service_name().empty() ||
                 (t.kind() == v1::ValidationTarget::KIND_PEERING_SERVICE_PREFIX &&
                  t.parent() == filter.peering_service_name());
        };
        uint64_t subscription =
            notices_->Subscribe([&](const std::vector<ValidationNotice>& notices) {
              absl::MutexLock lock(&mu);
              for (const ValidationNotice& n : notices) {
                if (!wanted(n)) continue;
                if (backlog.size() >= kMaxBacklog) {
                  overflow = true;
                  return;
                }
                backlog.push_back(n.change);
              }
            });
        // Subscribed: every change from here on reaches the backlog. Say so first, so a client
        // knows that what it does after reading this message cannot be missed.
        v1::WatchValidationResponse started;
        *started.mutable_started()->mutable_timestamp() = ToTimestamp(absl::Now());
        grpc::Status result = grpc::Status::OK;
        if (!stream->Write(started)) {
          notices_->Unsubscribe(subscription);
          return grpc::Status(grpc::StatusCode::CANCELLED, "client went away");
        }
        while (true) {
          std::optional<v1::WatchValidationResponse> next;
          {
            absl::MutexLock lock(&mu);
            auto ready = [&]() { return !backlog.empty() || overflow; };
            mu.AwaitWithTimeout(absl::Condition(&ready), absl::Milliseconds(200));
            if (overflow) {
              result = grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                    "watcher fell more than 10000 changes behind; reconnect");
              break;
            }
            if (!backlog.empty()) {
              next.emplace();
              *next->mutable_change() = std::move(backlog.front());
              backlog.pop_front();
            }
          }
          if (next.has_value() && !stream->Write(*next)) break;
          if (!next.has_value() && stream->WaitCancelled(absl::ZeroDuration())) break;
        }
        notices_->Unsubscribe(subscription);
        return result;
      });
}

}  // namespace pfx
