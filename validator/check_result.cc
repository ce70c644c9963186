#include "validator/check_result.h"

#include "absl/strings/str_cat.h"

namespace pfx {

const char* ValidationStateName(ValidationState state) {
  switch (state) {
    case ValidationState::kPending:
      return "PENDING";
    case ValidationState::kVerified:
      return "VERIFIED";
    case ValidationState::kFailed:
      return "FAILED";
    case ValidationState::kInvalid:
      return "INVALID";
    case ValidationState::kWarning:
      return "WARNING";
    case ValidationState::kUnknown:
      return "UNKNOWN";
  }
  return "?";
}

const char* OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kPass:
      return "PASS";
    case Outcome::kFail:
      return "FAIL";
    case Outcome::kNotEvaluated:
      return "NOT_EVALUATED";
    case Outcome::kUndetermined:
      return "UNDETERMINED";
    case Outcome::kWarn:
      return "WARN";
  }
  return "?";
}

const char* FeedSessionStateName(FeedSessionState state) {
  switch (state) {
    case FeedSessionState::kEstablished:
      return "ESTABLISHED";
    case FeedSessionState::kInitialTable:
      return "ESTABLISHED (initial table)";
    case FeedSessionState::kDown:
      return "IDLE";
    case FeedSessionState::kUnknownSession:
      return "NONE (never seen by the feed)";
  }
  return "?";
}

std::string SessionObservation::Label() const {
  std::string label = absl::StrCat(peer_address, " on router ", router);
  if (!location.empty()) absl::StrAppend(&label, " at ", location);
  return label;
}

void Summarize(ValidationResult& result) {
  const CheckReport* first_invalid = nullptr;
  const CheckReport* first_failed = nullptr;
  bool undetermined = false;
  bool only_missing = true;
  for (const CheckReport& c : result.checks) {
    if (c.outcome == Outcome::kFail) {
      if (c.invalidates && first_invalid == nullptr) first_invalid = &c;
      if (first_failed == nullptr) first_failed = &c;
      if (c.heading != "Prefix not received from IP") only_missing = false;
    }
    if (c.outcome == Outcome::kUndetermined) undetermined = true;
  }
  const CheckReport* decisive = first_invalid != nullptr ? first_invalid : first_failed;
  if (decisive != nullptr) {
    result.state = first_invalid != nullptr ? ValidationState::kInvalid : ValidationState::kFailed;
    result.error_message = absl::StrCat(decisive->heading, ": ", decisive->reason);
    result.only_missing_routes = first_invalid == nullptr && only_missing;
    return;
  }
  result.only_missing_routes = false;
  if (undetermined) {
    result.state = ValidationState::kUnknown;
    for (const CheckReport& c : result.checks) {
      if (c.outcome == Outcome::kUndetermined) {
        result.error_message = absl::StrCat(c.check, " undetermined: ", c.reason);
        break;
      }
    }
    return;
  }
  for (const CheckReport& c : result.checks) {
    if (c.outcome == Outcome::kWarn && c.warns) {
      result.state = ValidationState::kWarning;
      result.error_message = absl::StrCat(c.heading, ": ", c.reason);
      return;
    }
  }
  result.state = ValidationState::kVerified;
  result.error_message.clear();
}

}  // namespace pfx
