#include "registry/input_rules.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "pfx/v1/common.pb.h"
#include "validator/asn.h"

namespace pfx {

absl::Status CheckName(absl::string_view field, absl::string_view value) {
  bool ok = !value.empty() && value.size() <= kMaxNameLength && absl::ascii_isalnum(value[0]);
  for (char c : value) {
    if (!ok) break;
    ok = absl::ascii_isalnum(c) || c == '.' || c == '_' || c == '-';
  }
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(field, ": must be 1-", kMaxNameLength,
                   " characters of [A-Za-z0-9._-], starting with a letter or digit (got ",
                   value.size(), " characters)"));
}

absl::Status CheckText(absl::string_view field, absl::string_view value, bool required) {
  if (value.empty()) {
    return required ? absl::InvalidArgumentError(absl::StrCat(field, ": is required"))
                    : absl::OkStatus();
  }
  if (value.size() > kMaxTextLength) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": must be at most ", kMaxTextLength,
                                                   " bytes (got ", value.size(), ")"));
  }
  for (unsigned char c : value) {
    if (c < 0x20 || c == 0x7F) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": must not contain control characters"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckRequestId(absl::string_view value) {
  if (value.size() > kMaxRequestIdLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("request_id: must be at most ", kMaxRequestIdLength, " bytes"));
  }
  return CheckText("request_id", value, false);
}

absl::StatusOr<IpPrefix> ParsePrefixField(absl::string_view field, absl::string_view value) {
  absl::StatusOr<IpPrefix> prefix = IpPrefix::Parse(value);
  if (!prefix.ok()) {
    // Never echo huge or binary input back: the parser's message quotes at most the prefix.
    std::string message(prefix.status().message());
    if (value.size() > 64 || message.size() > 200) {
      message = absl::StrCat("not a valid prefix (", value.size(), " bytes)");
    }
    for (char& c : message) {
      if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7F) c = '?';
    }
    return absl::InvalidArgumentError(absl::StrCat(field, ": ", message));
  }
  return prefix;
}

absl::StatusOr<uint32_t> ParseAsnField(absl::string_view field, int64_t value) {
  return ValidatePublicAsnField(field, value);
}

absl::StatusOr<PrefixKey> ParseKeyField(absl::string_view field, absl::string_view value) {
  absl::StatusOr<PrefixKey> key = PrefixKey::Parse(value);
  if (!key.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": expected 32 hex digits as xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"));
  }
  return key;
}

namespace {

using google::protobuf::FieldDescriptor;

absl::Status CheckEnumValue(const FieldDescriptor* field, int number, const std::string& path) {
  const google::protobuf::EnumDescriptor* type = field->enum_type();
  if (type->FindValueByNumber(number) != nullptr) return absl::OkStatus();
  std::string names;
  for (int i = 0; i < type->value_count(); ++i) {
    absl::StrAppend(&names, i > 0 ? ", " : "", type->value(i)->name());
  }
  return absl::InvalidArgumentError(
      absl::StrCat(path, ": ", number, " is not a ", type->name(), " (one of ", names, ")"));
}

int MaxItems(const FieldDescriptor* f) {
  const google::protobuf::FieldOptions& options = f->options();
  return options.HasExtension(v1::max_items) ? static_cast<int>(options.GetExtension(v1::max_items))
                                             : kDefaultMaxItems;
}

absl::Status CheckFieldsAt(const google::protobuf::Message& m, const std::string& prefix) {
  const google::protobuf::Reflection* reflection = m.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(m, &fields);  // only fields that are set: cheap on small requests
  for (const FieldDescriptor* f : fields) {
    const std::string path = absl::StrCat(prefix, f->name());
    if (f->is_repeated()) {
      const int size = reflection->FieldSize(m, f);
      if (size > MaxItems(f)) {
        return absl::InvalidArgumentError(
            absl::StrCat(path, ": at most ", MaxItems(f), " items (got ", size, ")"));
      }
    }
    if (f->is_map()) continue;  // no request has a map of enums or messages
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_ENUM) {
      if (!f->is_repeated()) {
        if (auto s = CheckEnumValue(f, reflection->GetEnumValue(m, f), path); !s.ok()) return s;
        continue;
      }
      for (int i = 0; i < reflection->FieldSize(m, f); ++i) {
        if (auto s = CheckEnumValue(f, reflection->GetRepeatedEnumValue(m, f, i),
                                    absl::StrCat(path, "[", i, "]"));
            !s.ok()) {
          return s;
        }
      }
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (!f->is_repeated()) {
        if (auto s = CheckFieldsAt(reflection->GetMessage(m, f), path + "."); !s.ok()) return s;
        continue;
      }
      for (int i = 0; i < reflection->FieldSize(m, f); ++i) {
        if (auto s = CheckFieldsAt(reflection->GetRepeatedMessage(m, f, i),
                                   absl::StrCat(path, "[", i, "]."));
            !s.ok()) {
          return s;
        }
      }
    }
  }
  return absl::OkStatus();
}

bool NeedsCheckBelow(const google::protobuf::Descriptor* type, int depth) {
  if (depth > 8) return true;  // recursive message types: assume so and walk
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* f = type->field(i);
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_ENUM || f->is_repeated()) return true;
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !f->is_map() &&
        NeedsCheckBelow(f->message_type(), depth + 1)) {
      return true;
    }
  }
  return false;
}

}  // namespace

bool NeedsFieldCheck(const google::protobuf::Descriptor* type) { return NeedsCheckBelow(type, 0); }

absl::Status CheckRequestFields(const google::protobuf::Message& request) {
  return CheckFieldsAt(request, "");
}

}  // namespace pfx
