#include "server/redaction.h"

namespace pfx {

void RedactSecrets(google::protobuf::Message& message) {
  // Clearing cannot fail: the status is always OK.
  VisitSecretFields(message, [](google::protobuf::Message& holder,
                                const google::protobuf::FieldDescriptor* field) {
    holder.GetReflection()->ClearField(&holder, field);
    return absl::OkStatus();
  }).IgnoreError();
}

}  // namespace pfx
