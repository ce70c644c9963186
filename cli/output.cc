#include "cli/output.h"

#include <algorithm>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/protobuf/util/json_util.h"
#include "pfx/v1/validation.pb.h"

namespace pfx::cli {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

}  // namespace

std::string ShortEnum(const google::protobuf::EnumValueDescriptor* v) {
  // PREFIX_VALIDATION_STATE_VERIFIED -> VERIFIED: drop the enum type's name as a prefix.
  std::string type;
  for (char c : v->type()->name()) {
    if (isupper(c) && !type.empty()) type.push_back('_');
    type.push_back(static_cast<char>(toupper(c)));
  }
  const std::string& name = v->name();
  if (absl::StartsWith(name, type + "_")) return name.substr(type.size() + 1);
  return name;
}

namespace {

std::string Json(const Message& m, bool pretty) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.add_whitespace = pretty;
  std::string out;
  (void)google::protobuf::util::MessageToJsonString(m, &out, options);
  return out;
}

bool IsTimestamp(const FieldDescriptor* f) {
  return f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
         f->message_type()->full_name() == "google.protobuf.Timestamp";
}

// Columns: scalar fields, repeated strings, timestamps, and the scalars of singular messages.
struct Column {
  std::string header;
  const FieldDescriptor* outer = nullptr;
  const FieldDescriptor* field = nullptr;
};

std::vector<Column> ColumnsOf(const google::protobuf::Descriptor* d) {
  std::vector<Column> cols;
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (f->is_map()) continue;
    if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
      if (!f->is_repeated() || f->cpp_type() == FieldDescriptor::CPPTYPE_STRING)
        cols.push_back({f->name(), nullptr, f});
    } else if (IsTimestamp(f) && !f->is_repeated()) {
      cols.push_back({f->name(), nullptr, f});
    } else if (!f->is_repeated()) {
      for (int j = 0; j < f->message_type()->field_count(); ++j) {
        const FieldDescriptor* inner = f->message_type()->field(j);
        if (inner->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE && !inner->is_repeated()) {
          cols.push_back({absl::StrCat(f->name(), ".", inner->name()), f, inner});
        }
      }
    }
  }
  return cols;
}

std::string CellOf(const Message& m, const Column& c) {
  if (c.outer == nullptr) return Cell(m, c.field);
  return Cell(m.GetReflection()->GetMessage(m, c.outer), c.field);
}

// `rows` as an aligned table, each line indented by `indent`; then, for each repeated message
// field of the rows (a connection's sessions), one nested table per row that has entries.
std::string Table(const google::protobuf::Descriptor* type, const std::vector<const Message*>& rows,
                  const std::string& indent) {
  std::vector<Column> cols = ColumnsOf(type);
  std::vector<std::vector<std::string>> cells;
  std::vector<size_t> widths;
  for (const Column& c : cols) widths.push_back(c.header.size());
  for (const Message* item : rows) {
    std::vector<std::string> line;
    for (size_t c = 0; c < cols.size(); ++c) {
      line.push_back(CellOf(*item, cols[c]));
      widths[c] = std::max(widths[c], line.back().size());
    }
    cells.push_back(std::move(line));
  }
  std::string out;
  auto emit = [&](const std::vector<std::string>& line) {
    std::string text = indent;
    for (size_t c = 0; c < line.size(); ++c) {
      absl::StrAppend(&text, line[c], std::string(widths[c] - line[c].size() + 2, ' '));
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    absl::StrAppend(&out, text, "\n");
  };
  std::vector<std::string> headers;
  for (const Column& c : cols) headers.push_back(c.header);
  emit(headers);
  for (const auto& line : cells) emit(line);
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* f = type->field(i);
    if (!f->is_repeated() || f->is_map() || f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
      continue;
    }
    for (size_t r = 0; r < rows.size(); ++r) {
      const auto* reflection = rows[r]->GetReflection();
      if (reflection->FieldSize(*rows[r], f) == 0) continue;
      std::vector<const Message*> nested;
      for (int j = 0; j < reflection->FieldSize(*rows[r], f); ++j) {
        nested.push_back(&reflection->GetRepeatedMessage(*rows[r], f, j));
      }
      absl::StrAppend(&out, indent, f->name(), " of ", cols.empty() ? "" : cols[0].header, " ",
                      cells[r].empty() ? "" : cells[r][0], ":\n",
                      Table(f->message_type(), nested, indent + "  "));
    }
  }
  return out;
}

// Explain for people: the checks as a table, then each session's evidence once.
std::string RenderExplain(const v1::ExplainResponse& e) {
  std::string out = absl::StrCat(
      e.dry_run() ? "dry run (nothing stored)\n" : "", "prefix: ", e.prefix(),
      "\nstate (checks now): ",
      ShortEnum(v1::PrefixValidationState_descriptor()->FindValueByNumber(e.state())), "\n");
  if (!e.error_message().empty()) absl::StrAppend(&out, "error_message: ", e.error_message(), "\n");
  absl::StrAppend(&out, "\n");
  std::vector<std::string> seen;
  std::string sessions;
  for (const v1::CheckResult& c : e.checks()) {
    std::string outcome = ShortEnum(v1::CheckOutcome_descriptor()->FindValueByNumber(c.outcome()));
    absl::StrAppend(&out, c.check(), std::string(30 - std::min<size_t>(29, c.check().size()), ' '),
                    outcome, std::string(15 - std::min<size_t>(14, outcome.size()), ' '),
                    c.reason(), "\n");
    for (const std::string& m : c.matched_objects())
      absl::StrAppend(&out, std::string(45, ' '), "- ", m, "\n");
    for (const v1::SessionEvidence& ev : c.evidence()) {
      std::string key = absl::StrCat(ev.session().router(), "/", ev.session().peer_address());
      if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
      seen.push_back(key);
      std::string route = "no route";
      if (!ev.routes().empty()) {
        const v1::RouteSeen& r = ev.routes(0);
        route = absl::StrCat(r.prefix(), " path [", r.as_path(), "] communities [",
                             absl::StrJoin(r.communities(), " "), "] next hop ", r.next_hop());
      }
      std::string state =
          ShortEnum(v1::SessionState_descriptor()->FindValueByNumber(ev.session_state()));
      if (ev.session_state() == v1::SESSION_STATE_NONE) state = "never seen by the feed";
      if (ev.session_state() == v1::SESSION_STATE_ESTABLISHED && !ev.initial_table_complete()) {
        state += ", initial table open";
      }
      absl::StrAppend(&sessions, "  ", key, " at ", ev.location(), ev.backup() ? " (backup)" : "",
                      " (", state, "): ", route, "\n");
    }
  }
  if (!sessions.empty()) absl::StrAppend(&out, "\nsessions:\n", sessions);
  if (!e.provider_peerings().empty()) {
    absl::StrAppend(&out, "\nprovider peerings considered:\n");
    for (const v1::ProviderPeering& p : e.provider_peerings()) {
      absl::StrAppend(&out, "  ", p.name(), " (",
                      ShortEnum(v1::PeeringKind_descriptor()->FindValueByNumber(p.kind())),
                      "): ", p.primary_sessions(), " session(s) at the primary location, ",
                      p.backup_sessions(), " at the backup location\n");
    }
  }
  return out;
}

}  // namespace

std::string Cell(const Message& m, const FieldDescriptor* f) {
  const auto* r = m.GetReflection();
  if (f->is_repeated()) {
    if (f->cpp_type() != FieldDescriptor::CPPTYPE_STRING) return "(list)";
    std::vector<std::string> parts;
    for (int i = 0; i < r->FieldSize(m, f); ++i) parts.push_back(r->GetRepeatedString(m, f, i));
    return absl::StrJoin(parts, " ");
  }
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      return r->GetString(m, f);
    case FieldDescriptor::CPPTYPE_INT32:
      return absl::StrCat(r->GetInt32(m, f));
    case FieldDescriptor::CPPTYPE_INT64:
      return absl::StrCat(r->GetInt64(m, f));
    case FieldDescriptor::CPPTYPE_UINT32:
      return absl::StrCat(r->GetUInt32(m, f));
    case FieldDescriptor::CPPTYPE_UINT64:
      return absl::StrCat(r->GetUInt64(m, f));
    case FieldDescriptor::CPPTYPE_BOOL:
      return r->GetBool(m, f) ? "true" : "false";
    case FieldDescriptor::CPPTYPE_ENUM:
      return ShortEnum(r->GetEnum(m, f));
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      if (!r->HasField(m, f)) return "";
      if (IsTimestamp(f)) {
        const auto& ts = static_cast<const google::protobuf::Timestamp&>(r->GetMessage(m, f));
        return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixSeconds(ts.seconds()),
                                absl::UTCTimeZone());
      }
      return Json(r->GetMessage(m, f), false);
    }
    default:
      return "";
  }
}

std::string JsonLine(const Message& m) { return Json(m, false) + "\n"; }

std::string Render(const Message& reply, OutputFormat format) {
  if (format == OutputFormat::kJson) return Json(reply, true);
  if (const auto* explain = dynamic_cast<const v1::ExplainResponse*>(&reply); explain != nullptr) {
    return RenderExplain(*explain);
  }
  const auto* d = reply.GetDescriptor();
  const auto* r = reply.GetReflection();
  // A list reply: its one repeated message field becomes a table.
  const FieldDescriptor* rows = nullptr;
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (f->is_repeated() && !f->is_map() && f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      rows = rows == nullptr ? f : nullptr;
      if (rows == nullptr) break;
    }
  }
  if (rows != nullptr && (absl::StartsWith(d->name(), "List"))) {
    std::vector<const Message*> items;
    for (int i = 0; i < r->FieldSize(reply, rows); ++i) {
      items.push_back(&r->GetRepeatedMessage(reply, rows, i));
    }
    std::string out = Table(rows->message_type(), items, "");
    const FieldDescriptor* token = d->FindFieldByName("next_page_token");
    if (token != nullptr && !r->GetString(reply, token).empty()) {
      absl::StrAppend(&out, "(more: --page-token ", r->GetString(reply, token), ")\n");
    }
    return out;
  }
  std::string out;
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    bool present = f->is_repeated()                                    ? r->FieldSize(reply, f) > 0
                   : f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE ? r->HasField(reply, f)
                                                                       : true;
    if (!present) continue;
    std::string value;
    if (f->is_repeated() && f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      std::vector<const Message*> items;
      for (int j = 0; j < r->FieldSize(reply, f); ++j) {
        items.push_back(&r->GetRepeatedMessage(reply, f, j));
      }
      absl::StrAppend(&out, f->name(), ":\n", Table(f->message_type(), items, "  "));
      continue;
    } else if (f->is_map()) {
      continue;
    } else {
      value = Cell(reply, f);
    }
    absl::StrAppend(&out, f->name(), ": ", value, "\n");
  }
  return out.empty() ? "ok\n" : out;
}

}  // namespace pfx::cli
