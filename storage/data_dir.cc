#include "storage/data_dir.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace pfx {
namespace {

constexpr mode_t kOpenBits = S_IRWXG | S_IRWXO;

// Narrows `path` to `mode` when it grants group or world anything; counts what it changed.
absl::Status Tighten(const std::string& path, const struct stat& info, mode_t mode,
                     int& tightened) {
  if ((info.st_mode & kOpenBits) == 0) return absl::OkStatus();
  if (chmod(path.c_str(), mode) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("chmod ", absl::StrFormat("%o", mode), " ", path, ": ", std::strerror(errno)));
  }
  ++tightened;
  return absl::OkStatus();
}

// Regular files directly in `dir` and in its subdirectories one level down (RocksDB keeps
// everything at the top; pfxd's staged TLS files sit one level down).
absl::Status TightenFiles(const std::string& dir, int depth, int& tightened) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string p = entry.path().string();
    struct stat info;
    if (lstat(p.c_str(), &info) != 0) continue;  // gone meanwhile
    if (S_ISREG(info.st_mode)) {
      if (absl::Status s = Tighten(p, info, 0600, tightened); !s.ok()) return s;
    } else if (S_ISDIR(info.st_mode) && depth > 0) {
      if (absl::Status s = Tighten(p, info, 0700, tightened); !s.ok()) return s;
      if (absl::Status s = TightenFiles(p, depth - 1, tightened); !s.ok()) return s;
    }
  }
  if (ec) return absl::FailedPreconditionError(absl::StrCat("listing ", dir, ": ", ec.message()));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<DataDirReport> PrepareDataDir(const std::string& path) {
  DataDirReport report;
  struct stat info;
  if (stat(path.c_str(), &info) != 0) {
    if (errno != ENOENT) {
      return absl::FailedPreconditionError(
          absl::StrCat("data dir ", path, ": ", std::strerror(errno)));
    }
    std::error_code ec;
    std::filesystem::path parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    if (mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) {
      return absl::FailedPreconditionError(
          absl::StrCat("creating data dir ", path, ": ", std::strerror(errno)));
    }
    chmod(path.c_str(), 0700);  // mkdir's mode passed through the umask
    report.created = true;
    if (stat(path.c_str(), &info) != 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("data dir ", path, ": ", std::strerror(errno)));
    }
  }
  if (!S_ISDIR(info.st_mode)) {
    return absl::FailedPreconditionError(absl::StrCat("data dir ", path, " is not a directory"));
  }
  if (info.st_uid != geteuid()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "data dir ", path, " is owned by uid ", info.st_uid, ", not by pfxd's uid ", geteuid(),
        ": it holds prefix keys and must be pfxd's alone (chown it, or pick another --data_dir)"));
  }
  if ((info.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    return absl::FailedPreconditionError(
        absl::StrFormat("data dir %s has mode %04o: others can write it, and it holds prefix keys; "
                        "run `chmod 700 %s` (and check nobody changed it) before starting pfxd",
                        path, info.st_mode & 07777, path));
  }
  if (absl::Status s = Tighten(path, info, 0700, report.tightened); !s.ok()) return s;
  if (absl::Status s = TightenFiles(path, 1, report.tightened); !s.ok()) return s;
  return report;
}

}  // namespace pfx
