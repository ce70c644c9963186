// File: check_result.h
// -----------------------------------------------------------------------------
// The vocabulary of the check pipeline: what the feed saw per required session (the
// evidence), each check's explicit result (outcome, reason, evidence, matched objects) and the
// resulting validation state with its one-line error message. No I/O; plain values.

#ifndef PFX_VALIDATOR_CHECK_RESULT_H_
#define PFX_VALIDATOR_CHECK_RESULT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "validator/as_path.h"
#include "validator/ip_prefix.h"

namespace pfx {

// Mirrors pfx.v1.PrefixValidationState for the states the pipeline can produce.
enum class ValidationState { kPending, kVerified, kFailed, kInvalid, kWarning, kUnknown };
const char* ValidationStateName(ValidationState state);

// kWarn: passed with a remark (CHECK_OUTCOME_WARN); it turns the state to WARNING only when
// the report `warns` (an RPKI-invalid route under rpki_policy WARN).
enum class Outcome { kPass, kFail, kNotEvaluated, kUndetermined, kWarn };
const char* OutcomeName(Outcome outcome);

// What the feed says about one route of one session.
struct ObservedRoute {
  IpPrefix prefix;
  AsPath as_path;
  std::vector<uint32_t> communities;
  std::string next_hop;
};

enum class FeedSessionState {
  kEstablished,     // up, initial table complete (End-of-RIB or settled)
  kInitialTable,    // up, initial table still arriving: absence of a route means nothing yet
  kDown,            // Peer Down / idle
  kUnknownSession,  // the feed has never reported this session
};
const char* FeedSessionStateName(FeedSessionState state);

// One session the rule requires, with what it advertises for the prefix (if anything).
struct SessionObservation {
  std::string router;
  std::string peer_address;
  std::string location;  // peering location (metro) of the session's connection
  bool backup = false;   // at the peering service's backup location
  FeedSessionState state = FeedSessionState::kUnknownSession;
  std::optional<ObservedRoute> route;

  // "192.0.2.1 on router sea-edge-1 at Seattle": two routers may see the same peer address,
  // so a session is always named by both.
  std::string Label() const;
};

struct CheckReport {
  std::string check;  // "not-private", "irr-origin", ...
  Outcome outcome = Outcome::kPass;
  std::string reason;
  // Azure failure heading for a failing check ("Prefix not received from IP", ...).
  std::string heading;
  // A failure no route change can fix: the state becomes INVALID rather than FAILED.
  bool invalidates = false;
  // A kWarn that makes an otherwise VERIFIED prefix WARNING (SPEC §3: an advisory check failed).
  bool warns = false;
  // Indexes into ValidationResult::sessions: the sessions (and their routes) this check used.
  std::vector<uint16_t> evidence;
  std::vector<std::string> matched_objects;
};

struct ValidationResult {
  ValidationState state = ValidationState::kPending;
  // Every required session with what it advertised; CheckReport::evidence points into it.
  std::vector<SessionObservation> sessions;
  std::string error_message;  // empty when VERIFIED
  std::vector<CheckReport> checks;
  bool learned_via_provider = false;  // a route was seen on a provider session
  // True when every failing check is about routes missing from required sessions, the only
  // failures that hold-down softens to WARNING.
  bool only_missing_routes = false;
};

// Derives state, error_message and only_missing_routes from `result.checks`.
void Summarize(ValidationResult& result);

}  // namespace pfx

#endif  // PFX_VALIDATOR_CHECK_RESULT_H_
