#include "server/tls_credentials.h"

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "grpcpp/security/tls_certificate_provider.h"
#include "grpcpp/security/tls_credentials_options.h"

namespace pfx {
namespace {

// A PEM file larger than this is not a certificate or key file.
constexpr size_t kMaxPemBytes = 1 << 20;
// How often gRPC re-reads the staged files; a SIGHUP takes effect within this.
constexpr unsigned kWatchIntervalSeconds = 1;

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct InfoStackFree {
  void operator()(STACK_OF(X509_INFO) * s) const { sk_X509_INFO_pop_free(s, X509_INFO_free); }
};

absl::Status Invalid(absl::string_view field, absl::string_view path, absl::string_view rule) {
  return absl::InvalidArgumentError(absl::StrCat("tls.", field, ": '", path, "' ", rule));
}

absl::StatusOr<std::string> ReadPem(absl::string_view field, const std::string& path) {
  if (path.empty()) return absl::InvalidArgumentError(absl::StrCat("tls.", field, ": is required"));
  std::ifstream in(path, std::ios::binary);
  if (!in) return Invalid(field, path, absl::StrCat("cannot be read: ", std::strerror(errno)));
  std::string text(kMaxPemBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > kMaxPemBytes) return Invalid(field, path, "is larger than 1 MiB");
  return text;
}

std::unique_ptr<BIO, BioFree> Bio(const std::string& text) {
  return std::unique_ptr<BIO, BioFree>(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

std::string AsnTime(const ASN1_TIME* t) {
  std::unique_ptr<BIO, BioFree> out(BIO_new(BIO_s_mem()));
  ASN1_TIME_print(out.get(), t);
  char* data = nullptr;
  long n = BIO_get_mem_data(out.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

struct PemFiles {
  std::string cert, key, ca;
};

absl::StatusOr<PemFiles> ReadAndCheck(const v1::TlsConfig& tls) {
  PemFiles pem;
  for (auto [field, path, out] : {std::tuple{"cert_file", &tls.cert_file(), &pem.cert},
                                  std::tuple{"key_file", &tls.key_file(), &pem.key},
                                  std::tuple{"client_ca_file", &tls.client_ca_file(), &pem.ca}}) {
    absl::StatusOr<std::string> text = ReadPem(field, *path);
    if (!text.ok()) return text.status();
    *out = std::move(*text);
  }
  std::unique_ptr<X509, X509Free> cert(
      PEM_read_bio_X509(Bio(pem.cert).get(), nullptr, nullptr, nullptr));
  if (cert == nullptr) return Invalid("cert_file", tls.cert_file(), "holds no PEM certificate");
  std::unique_ptr<EVP_PKEY, PkeyFree> key(
      PEM_read_bio_PrivateKey(Bio(pem.key).get(), nullptr, nullptr, nullptr));
  if (key == nullptr) {
    return Invalid("key_file", tls.key_file(), "holds no unencrypted PEM private key");
  }
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    return Invalid("key_file", tls.key_file(),
                   absl::StrCat("is not the key of the certificate in '", tls.cert_file(), "'"));
  }
  if (X509_cmp_current_time(X509_get0_notAfter(cert.get())) < 0) {
    return Invalid("cert_file", tls.cert_file(),
                   absl::StrCat("holds a certificate that expired on ",
                                AsnTime(X509_get0_notAfter(cert.get()))));
  }
  if (X509_cmp_current_time(X509_get0_notBefore(cert.get())) > 0) {
    return Invalid("cert_file", tls.cert_file(),
                   absl::StrCat("holds a certificate not valid before ",
                                AsnTime(X509_get0_notBefore(cert.get()))));
  }
  std::unique_ptr<STACK_OF(X509_INFO), InfoStackFree> cas(
      PEM_X509_INFO_read_bio(Bio(pem.ca).get(), nullptr, nullptr, nullptr));
  int certificates = 0;
  for (int i = 0; cas != nullptr && i < sk_X509_INFO_num(cas.get()); ++i) {
    if (sk_X509_INFO_value(cas.get(), i)->x509 != nullptr) ++certificates;
  }
  if (certificates == 0) {
    return Invalid("client_ca_file", tls.client_ca_file(), "holds no PEM certificate");
  }
  if (!tls.crl_directory().empty()) {
    struct stat info;
    if (stat(tls.crl_directory().c_str(), &info) != 0 || !S_ISDIR(info.st_mode) ||
        access(tls.crl_directory().c_str(), R_OK | X_OK) != 0) {
      return Invalid("crl_directory", tls.crl_directory(), "is not a readable directory");
    }
  }
  return pem;
}

// Written beside its final name (refusing to follow a planted symlink) and synced; Install
// renames it over the final name.
absl::Status WriteTemporary(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  unlink(tmp.c_str());
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return absl::InternalError(absl::StrCat("create ", tmp, ": ", std::strerror(errno)));
  bool ok =
      write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && fsync(fd) == 0;
  ok = close(fd) == 0 && ok;
  if (!ok) {
    unlink(tmp.c_str());
    return absl::InternalError(absl::StrCat("write ", tmp, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

std::string Staged(const std::string& dir, absl::string_view name) {
  return absl::StrCat(dir, "/", name);
}

}  // namespace

absl::Status CheckTlsFiles(const v1::TlsConfig& tls) { return ReadAndCheck(tls).status(); }

absl::Status TlsCredentials::Stage() {
  absl::StatusOr<PemFiles> pem = ReadAndCheck(tls_);
  if (!pem.ok()) return pem.status();
  if (mkdir(stage_dir_.c_str(), 0700) != 0 && errno != EEXIST) {
    return absl::InternalError(absl::StrCat("create ", stage_dir_, ": ", std::strerror(errno)));
  }
  chmod(stage_dir_.c_str(), 0700);
  const std::pair<const char*, const std::string*> files[] = {
      {"key.pem", &pem->key}, {"cert.pem", &pem->cert}, {"client_ca.pem", &pem->ca}};
  // Every new file is written before any replaces an old one: a failure (a full disk) leaves
  // the served set whole.
  for (const auto& [name, text] : files) {
    if (absl::Status s = WriteTemporary(Staged(stage_dir_, name), *text); !s.ok()) return s;
  }
  // Three renames in a row. gRPC's watcher (1.51) compares the files' modification times
  // around its read and reads again if they moved, but does not check that the key matches
  // the certificate: a read that falls exactly between two renames serves a mismatched pair,
  // failing new handshakes until its next read a second later.
  for (const auto& [name, text] : files) {
    const std::string path = Staged(stage_dir_, name);
    if (std::rename((path + ".tmp").c_str(), path.c_str()) != 0) {
      return absl::InternalError(absl::StrCat("rename ", path, ": ", std::strerror(errno)));
    }
  }
  if (int dir = open(stage_dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dir >= 0) {
    fsync(dir);
    close(dir);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<TlsCredentials>> TlsCredentials::Create(
    v1::TlsConfig tls, std::string stage_dir,
    std::shared_ptr<grpc::AuthMetadataProcessor> processor) {
  std::unique_ptr<TlsCredentials> c(new TlsCredentials(std::move(tls), std::move(stage_dir)));
  if (absl::Status s = c->Stage(); !s.ok()) return s;
  auto provider = std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
      Staged(c->stage_dir_, "key.pem"), Staged(c->stage_dir_, "cert.pem"),
      Staged(c->stage_dir_, "client_ca.pem"), kWatchIntervalSeconds);
  grpc::experimental::TlsServerCredentialsOptions options(provider);
  options.watch_root_certs();
  options.watch_identity_key_cert_pairs();
  options.set_cert_request_type(GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY);
  if (!c->tls_.crl_directory().empty()) options.set_crl_directory(c->tls_.crl_directory());
  c->credentials_ = grpc::experimental::TlsServerCredentials(options);
  c->credentials_->SetAuthMetadataProcessor(std::move(processor));
  return c;
}

absl::Status TlsCredentials::Reload() { return Stage(); }

}  // namespace pfx
