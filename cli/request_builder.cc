#include "cli/request_builder.h"

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "cli/output.h"
#include "cli/suggest.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/json_util.h"
#include "pfx/v1/common.pb.h"

namespace pfx::cli {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

bool IsWellKnown(const google::protobuf::Descriptor* d) {
  return d->file()->package() == "google.protobuf";
}

struct Target {
  Message* message = nullptr;
  const FieldDescriptor* field = nullptr;
};

// Finds `name` on `m`, else one level down: in a singular message field (the resource of a
// Create, a SessionRef, a ValidationTarget), else in the first element of a repeated message
// field (created on demand: one injected route from flags).
Target Locate(Message& m, const std::string& name) {
  const auto* d = m.GetDescriptor();
  if (const FieldDescriptor* f = d->FindFieldByName(name); f != nullptr) return {&m, f};
  const Reflection* r = m.GetReflection();
  for (bool repeated : {false, true}) {
    for (int i = 0; i < d->field_count(); ++i) {
      const FieldDescriptor* f = d->field(i);
      if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE || f->is_map() ||
          f->is_repeated() != repeated) {
        continue;
      }
      const FieldDescriptor* inner = f->message_type()->FindFieldByName(name);
      if (inner == nullptr) continue;
      // A member of a oneof another member of which is already set (explain's target vs its
      // dry-run candidates): filling it would silently drop what the other flags set.
      if (const auto* oneof = f->containing_oneof();
          oneof != nullptr && r->HasOneof(m, oneof) && r->GetOneofFieldDescriptor(m, oneof) != f) {
        continue;
      }
      if (!repeated) return {r->MutableMessage(&m, f), inner};
      Message* first =
          r->FieldSize(m, f) > 0 ? r->MutableRepeatedMessage(&m, f, 0) : r->AddMessage(&m, f);
      return {first, inner};
    }
  }
  return {};
}

absl::Status SetScalar(Message& m, const FieldDescriptor* f, const std::string& flag,
                       const std::string& value) {
  const Reflection* r = m.GetReflection();
  auto bad = [&](absl::string_view expected) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, ": expected ", expected, ", got '", value, "'"));
  };
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      f->is_repeated() ? r->AddString(&m, f, value) : r->SetString(&m, f, value);
      return absl::OkStatus();
    case FieldDescriptor::CPPTYPE_INT32: {
      int32_t v;
      if (!absl::SimpleAtoi(value, &v)) return bad("an integer");
      f->is_repeated() ? r->AddInt32(&m, f, v) : r->SetInt32(&m, f, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      int64_t v;
      if (!absl::SimpleAtoi(value, &v)) return bad("an integer");
      f->is_repeated() ? r->AddInt64(&m, f, v) : r->SetInt64(&m, f, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT32: {
      uint32_t v;
      if (!absl::SimpleAtoi(value, &v)) return bad("a non-negative integer");
      f->is_repeated() ? r->AddUInt32(&m, f, v) : r->SetUInt32(&m, f, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      bool v;
      if (!absl::SimpleAtob(value, &v)) return bad("true or false");
      f->is_repeated() ? r->AddBool(&m, f, v) : r->SetBool(&m, f, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      std::string want = absl::AsciiStrToUpper(absl::StrReplaceAll(value, {{"-", "_"}}));
      const auto* e = f->enum_type();
      for (int i = 0; i < e->value_count(); ++i) {
        // The short name (--traffic-class media) or the full one (TRAFFIC_CLASS_MEDIA).
        if (e->value(i)->name() == want || ShortEnum(e->value(i)) == want) {
          f->is_repeated() ? r->AddEnumValue(&m, f, e->value(i)->number())
                           : r->SetEnumValue(&m, f, e->value(i)->number());
          return absl::OkStatus();
        }
      }
      std::string names;
      for (int i = 0; i < e->value_count(); ++i)
        absl::StrAppend(&names, i ? ", " : "", e->value(i)->name());
      return bad(absl::StrCat("one of ", names));
    }
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("--", flag, ": a message field; pass it with --json or --file"));
  }
}

absl::Status MergeJson(const std::string& json, const std::string& origin, Message& request) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  auto status = google::protobuf::util::JsonStringToMessage(json, &request, options);
  if (!status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(origin, ": ", status.message().as_string()));
  }
  return absl::OkStatus();
}

FlagInfo Describe(const FieldDescriptor* f) {
  FlagInfo info;
  info.name = absl::StrReplaceAll(f->name(), {{"_", "-"}});
  info.repeated = f->is_repeated();
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_BOOL:
      info.value = "true|false";
      break;
    case FieldDescriptor::CPPTYPE_ENUM:
      for (int i = 0; i < f->enum_type()->value_count(); ++i) {
        const auto* v = f->enum_type()->value(i);
        if (v->number() == 0 && absl::EndsWith(v->name(), "_UNSPECIFIED")) continue;
        info.enum_values.push_back(
            absl::AsciiStrToLower(absl::StrReplaceAll(ShortEnum(v), {{"_", "-"}})));
      }
      info.value = absl::StrJoin(info.enum_values, "|");
      break;
    case FieldDescriptor::CPPTYPE_STRING:
      info.value = "TEXT";
      break;
    default:
      info.value = "INTEGER";
  }
  return info;
}

}  // namespace

std::vector<FlagInfo> FlagsOf(const google::protobuf::Descriptor* request) {
  std::vector<FlagInfo> out;
  std::vector<std::string> seen;
  auto add = [&](const FieldDescriptor* f) {
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE || f->is_map()) return;
    if (f->options().GetExtension(v1::output_only)) return;                    // the server sets it
    if (std::find(seen.begin(), seen.end(), f->name()) != seen.end()) return;  // Locate's order
    seen.push_back(f->name());
    out.push_back(Describe(f));
  };
  for (int i = 0; i < request->field_count(); ++i) add(request->field(i));
  for (bool repeated : {false, true}) {
    for (int i = 0; i < request->field_count(); ++i) {
      const FieldDescriptor* f = request->field(i);
      if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE || f->is_map() ||
          f->is_repeated() != repeated || IsWellKnown(f->message_type())) {
        continue;
      }
      for (int j = 0; j < f->message_type()->field_count(); ++j) add(f->message_type()->field(j));
    }
  }
  return out;
}

absl::Status BuildRequest(const FlagList& flags, Message& request) {
  for (const auto& [flag, value] : flags) {
    if (flag == "json") {
      if (auto s = MergeJson(value, "--json", request); !s.ok()) return s;
    } else if (flag == "file") {
      std::ifstream in(value);
      if (!in) return absl::NotFoundError(absl::StrCat("--file: cannot read ", value));
      std::stringstream text;
      text << in.rdbuf();
      if (auto s = MergeJson(text.str(), "--file " + value, request); !s.ok()) return s;
    }
  }
  for (const auto& [flag, value] : flags) {
    if (flag == "json" || flag == "file") continue;
    std::string name = absl::StrReplaceAll(flag, {{"-", "_"}});
    Target t = Locate(request, name);
    if (t.field == nullptr) {
      std::vector<std::string> known = {"json", "file"};
      for (const FlagInfo& f : FlagsOf(request.GetDescriptor())) known.push_back(f.name);
      if (std::find(known.begin(), known.end(), flag) != known.end()) {
        return absl::InvalidArgumentError(
            absl::StrCat("--", flag,
                         ": cannot be combined with the flags before it (they fill another "
                         "alternative of ",
                         request.GetDescriptor()->name(), ")"));
      }
      std::optional<std::string> close = Closest(flag, known);
      return absl::InvalidArgumentError(absl::StrCat(
          "--", flag, ": not a field of ", request.GetDescriptor()->name(),
          close.has_value() ? absl::StrCat("; did you mean --", *close, "?") : std::string()));
    }
    std::vector<std::string> values = {value};
    if (t.field->is_repeated()) values = absl::StrSplit(value, ',', absl::SkipEmpty());
    for (const std::string& v : values) {
      if (auto s = SetScalar(*t.message, t.field, flag, v); !s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

}  // namespace pfx::cli
