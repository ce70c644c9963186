#include "storage/secret_fields.h"

#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
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

absl::Status VisitSecretFields(
    Message& message, absl::FunctionRef<absl::Status(Message&, const FieldDescriptor*)> visit) {
  if (!MayHoldSecrets(message.GetDescriptor())) return absl::OkStatus();
  const Reflection* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    if (IsSecret(field)) {
      if (absl::Status s = visit(message, field); !s.ok()) return s;
      continue;
    }
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE ||
        !MayHoldSecrets(field->message_type())) {
      continue;
    }
    if (field->is_repeated()) {
      for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
        absl::Status s =
            VisitSecretFields(*reflection->MutableRepeatedMessage(&message, field, i), visit);
        if (!s.ok()) return s;
      }
    } else {
      absl::Status s = VisitSecretFields(*reflection->MutableMessage(&message, field), visit);
      if (!s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

}  // namespace pfx
