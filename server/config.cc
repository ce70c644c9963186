#include "server/config.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"

namespace pfx {
namespace {

// Collects text-format parse errors with their line and column.
class ErrorCollector : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, int column, const std::string& message) override {
    if (first_.empty())
      first_ = absl::StrCat("line ", line + 1, ", column ", column + 1, ": ", message);
  }
  std::string first_;
};

}  // namespace

void FillDefaults(v1::ServerConfig& c) {
  if (c.listen_address().empty()) c.set_listen_address("127.0.0.1:50051");
  if (c.data_dir().empty()) c.set_data_dir("./data");
  if (c.worker_threads() <= 0) c.set_worker_threads(2);
  if (c.hold_down_seconds() <= 0) c.set_hold_down_seconds(300);
  if (c.debounce_millis() <= 0) c.set_debounce_millis(200);
  if (c.bmp_listen_address().empty()) c.set_bmp_listen_address("127.0.0.1:11019");
  if (c.settle_seconds() <= 0) c.set_settle_seconds(60);
  if (c.accepted_irr_sources().empty()) {
    for (const char* s :
         {"RADB", "RIPE", "ARIN", "APNIC", "AFRINIC", "LACNIC", "NTTCOM", "ALTDB"}) {
      c.add_accepted_irr_sources(s);
    }
  }
}

absl::StatusOr<v1::ServerConfig> LoadConfig(const std::string& path) {
  v1::ServerConfig config;
  if (!path.empty()) {
    std::ifstream in(path);
    if (!in) return absl::NotFoundError(absl::StrCat("--config: cannot read ", path));
    std::stringstream text;
    text << in.rdbuf();
    google::protobuf::TextFormat::Parser parser;
    ErrorCollector errors;
    parser.RecordErrorsTo(&errors);
    if (!parser.ParseFromString(text.str(), &config)) {
      return absl::InvalidArgumentError(absl::StrCat(path, ": ", errors.first_));
    }
  }
  FillDefaults(config);
  return config;
}

}  // namespace pfx
