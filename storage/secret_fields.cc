#include "storage/secret_fields.h"

#include <algorithm>
#include <cassert>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/container/node_hash_map.h"
#include "pfx/v1/common.pb.h"

namespace pfx {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

bool IsSecret(const FieldDescriptor* field) { return field->options().GetExtension(v1::secret); }

// Depth-first over the message types reachable from `type`; `visiting` breaks cycles (a
// recursive type holds a secret only if some type on the cycle does, found on another path).
bool ComputeMayHoldSecrets(const Descriptor* type,
                           absl::flat_hash_set<const Descriptor*>& visiting) {
  if (!visiting.insert(type).second) return false;
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* field = type->field(i);
    if (IsSecret(field)) return true;
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
        ComputeMayHoldSecrets(field->message_type(), visiting)) {
      return true;
    }
  }
  return false;
}

}  // namespace

bool MayHoldSecrets(const Descriptor* type) {
  // Asked for every record read and written, from many threads: each keeps its own answers
  // (descriptors are immutable, so computing one twice gives the same), and none takes a lock.
  thread_local absl::flat_hash_map<const Descriptor*, bool> known;
  if (auto it = known.find(type); it != known.end()) return it->second;
  absl::flat_hash_set<const Descriptor*> visiting;
  const bool result = ComputeMayHoldSecrets(type, visiting);
  known.emplace(type, result);
  return result;
}

namespace {

// Where a type's secrets can be, worked out once per type: its secret fields and its message
// fields whose types may hold one, in field-number order (as ListFields gives them). A visit
// then neither lists the set fields by reflection nor looks up each one's options.
struct PlannedField {
  const FieldDescriptor* field;
  bool secret;  // else a message that may hold one
};

const std::vector<PlannedField>& PlanOf(const Descriptor* type) {
  // Node-based: a visit recursing into a type seen for the first time adds a plan while an
  // outer visit still iterates its own, which must not move.
  thread_local absl::node_hash_map<const Descriptor*, std::vector<PlannedField>> plans;
  auto [it, inserted] = plans.try_emplace(type);
  if (inserted) {
    for (int i = 0; i < type->field_count(); ++i) {
      const FieldDescriptor* field = type->field(i);
      if (IsSecret(field)) {
        assert(!field->is_repeated() && "secret fields are singular (secret_fields.h)");
        it->second.push_back({field, true});
      } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
                 MayHoldSecrets(field->message_type())) {
        it->second.push_back({field, false});
      }
    }
    std::sort(it->second.begin(), it->second.end(), [](const PlannedField& a, const PlannedField& b) {
      return a.field->number() < b.field->number();
    });
  }
  return it->second;
}

}  // namespace

absl::Status VisitSecretFields(
    Message& message, absl::FunctionRef<absl::Status(Message&, const FieldDescriptor*)> visit) {
  if (!MayHoldSecrets(message.GetDescriptor())) return absl::OkStatus();
  const Reflection* reflection = message.GetReflection();
  for (const auto& [field, secret] : PlanOf(message.GetDescriptor())) {
    if (secret) {
      if (!reflection->HasField(message, field)) continue;
      if (absl::Status s = visit(message, field); !s.ok()) return s;
    } else if (field->is_repeated()) {
      for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
        absl::Status s =
            VisitSecretFields(*reflection->MutableRepeatedMessage(&message, field, i), visit);
        if (!s.ok()) return s;
      }
    } else if (reflection->HasField(message, field)) {
      absl::Status s = VisitSecretFields(*reflection->MutableMessage(&message, field), visit);
      if (!s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

}  // namespace pfx
