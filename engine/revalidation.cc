#include "engine/revalidation.h"

#include "absl/strings/str_cat.h"
#include "registry/input_rules.h"
#include "storage/keys.h"
#include "storage/records.h"
#include "storage/validation_queue.h"

namespace pfx {
namespace {

// Calls `consider(kind, parent, name, prefix, state)` for each resource of `column` under
// `parent` (all when empty); with `keys_only`, reads just the keys (prefix "", state 0).
// Stops early (OK) once `stopped()` says so.
template <typename Resource, typename Consider, typename Stopped>
absl::Status SelectFrom(const Database& db, Column column, v1::ValidationTarget::Kind kind,
                        const std::string& parent, bool keys_only, Consider& consider,
                        const Stopped& stopped) {
  std::string start = parent.empty() ? "" : keys::ChildrenStart(parent);
  std::string end = parent.empty() ? "" : keys::ChildrenEnd(parent);
  absl::Status damaged;
  absl::Status scanned =
      db.Scan(column, start, end, [&](absl::string_view key, absl::string_view value) {
        if (stopped()) return false;
        auto [parent_name, name] = keys::SplitChild(key);
        if (keys_only) {
          consider(kind, std::string(parent_name), std::string(name), "", 0);
          return true;
        }
        Resource resource;
        if (!resource.ParseFromArray(value.data(), int(value.size()))) {
          damaged = absl::DataLossError(
              absl::StrCat("stored prefix ", parent_name, "/", name, " does not parse"));
          return false;
        }
        consider(kind, std::string(parent_name), std::string(name), resource.prefix(),
                 resource.prefix_validation_state());
        return true;
      });
  return scanned.ok() ? damaged : scanned;
}

}  // namespace

absl::Status CheckRevalidateRequest(const v1::RevalidateRequest& r) {
  if (auto s = CheckRequestFields(r); !s.ok()) return s;
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
  for (int i = 0; i < r.prefixes_size(); ++i) {
    absl::StatusOr<IpPrefix> p = ParsePrefixField(absl::StrCat("prefixes[", i, "]"), r.prefixes(i));
    if (!p.ok()) return p.status();
  }
  return absl::OkStatus();
}

absl::Status SelectForRevalidation(
    const Database& db, const v1::RevalidateRequest& r,
    const std::function<void(std::vector<v1::ValidationTarget>)>& sink, size_t chunk_size,
    const std::atomic<bool>* stop) {
  if (auto s = CheckRevalidateRequest(r); !s.ok()) return s;
  absl::flat_hash_set<std::string> prefixes;
  for (const std::string& p : r.prefixes()) prefixes.insert(IpPrefix::Parse(p)->ToString());
  absl::flat_hash_set<int> states(r.states().begin(), r.states().end());
  std::vector<v1::ValidationTarget> chunk;
  auto stopped = [stop] { return stop != nullptr && stop->load(std::memory_order_relaxed); };
  const absl::Status cancelled = absl::CancelledError("the Revalidate call was cancelled");
  auto consider = [&](v1::ValidationTarget::Kind kind, const std::string& parent,
                      const std::string& name, const std::string& prefix, int state) {
    if (!prefixes.empty() && !prefixes.contains(prefix)) return;
    if (!states.empty() && !states.contains(state)) return;
    v1::ValidationTarget& t = chunk.emplace_back();
    t.set_kind(kind);
    t.set_parent(parent);
    t.set_name(name);
    if (chunk.size() == chunk_size) sink(std::exchange(chunk, {}));
  };
  // Without prefix or state filters the keys say everything (parent and name): a full
  // Revalidate then parses none of the stored resources.
  const bool keys_suffice = prefixes.empty() && states.empty();
  if (r.peering_service_name().empty()) {
    absl::Status s = SelectFrom<RegisteredPrefixRecord>(
        db, Column::kRegisteredPrefixes, v1::ValidationTarget::KIND_REGISTERED_PREFIX,
        r.peering_name(), keys_suffice, consider, stopped);
    if (!s.ok()) return s;
    if (stopped()) return cancelled;
  }
  if (r.peering_name().empty()) {
    absl::Status s = SelectFrom<PeeringServicePrefixRecord>(
        db, Column::kServicePrefixes, v1::ValidationTarget::KIND_PEERING_SERVICE_PREFIX,
        r.peering_service_name(), keys_suffice, consider, stopped);
    if (!s.ok()) return s;
    if (stopped()) return cancelled;
  }
  if (!chunk.empty()) sink(std::move(chunk));
  return absl::OkStatus();
}

void RevalidationProgress::Add(const std::vector<v1::ValidationTarget>& targets) {
  absl::MutexLock lock(&mu_);
  for (const v1::ValidationTarget& t : targets) {
    if (selected_.emplace(TargetKey(t), false).second) ++total_;
  }
}

void RevalidationProgress::SelectionDone() {
  absl::MutexLock lock(&mu_);
  selection_done_ = true;
}

bool RevalidationProgress::selection_done() const {
  absl::MutexLock lock(&mu_);
  return selection_done_;
}

bool RevalidationProgress::OnNotices(const std::vector<ValidationNotice>& notices) {
  absl::MutexLock lock(&mu_);
  bool counted = false;
  for (const ValidationNotice& n : notices) {
    auto it = selected_.find(n.target_key.empty() ? TargetKey(n.change.target()) : n.target_key);
    if (it == selected_.end() || it->second) continue;
    it->second = true;
    ++done_;
    if (!n.failure.ok()) {
      ++failed_;
      if (first_failure_.ok()) first_failure_ = n.failure;
    } else {
      ++states_[n.change.new_state()];
    }
    counted = true;
  }
  return counted;
}

v1::RevalidateResponse RevalidationProgress::Snapshot() const {
  absl::MutexLock lock(&mu_);
  v1::RevalidateResponse p;
  p.set_total(total_);
  p.set_done(done_);
  for (const auto& [state, count] : states_) {
    (*p.mutable_states())[v1::PrefixValidationState_Name(state)] = count;
  }
  p.set_finished(selection_done_ && done_ == total_);
  p.set_failed(failed_);
  return p;
}

absl::Status RevalidationProgress::first_failure() const {
  absl::MutexLock lock(&mu_);
  return first_failure_;
}

}  // namespace pfx
