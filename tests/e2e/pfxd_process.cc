#include "tests/e2e/pfxd_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace pfx::testing {

bool WaitFor(const std::function<bool()>& condition, absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (condition()) return true;
    absl::SleepFor(absl::Milliseconds(50));
  }
  return condition();
}

std::unique_ptr<grpc::ClientContext> Ctx() {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  return ctx;
}

CommandResult RunCommand(const std::string& command) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), &pclose);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), pipe.get())) > 0) out.append(buf, n);
  int status = pclose(pipe.release());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, std::move(out)};
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string WriteTempFile(const std::string& name, const std::string& text) {
  std::string path = absl::StrCat(::testing::TempDir(), "/", getpid(), "_", name);
  std::ofstream(path) << text;
  return path;
}

PfxdProcess::PfxdProcess(std::vector<std::string> extra_args, std::string data_dir)
    : args_(std::move(extra_args)), data_dir_(std::move(data_dir)) {
  static int counter = 0;
  work_dir_ = absl::StrCat(::testing::TempDir(), "/pfxd_e2e_", getpid(), "_", counter++);
  std::filesystem::create_directories(work_dir_);
  if (data_dir_.empty()) {
    data_dir_ = work_dir_ + "/data";
    owns_data_dir_ = true;
  }
}

PfxdProcess::~PfxdProcess() {
  Stop();
  std::filesystem::remove_all(work_dir_);
}

std::string PfxdProcess::address() const { return absl::StrCat("127.0.0.1:", port_); }

std::shared_ptr<grpc::Channel> PfxdProcess::NewChannel(
    std::shared_ptr<grpc::ChannelCredentials> credentials) const {
  // A channel of its own (not shared with others of the same target), so each set of
  // credentials makes its own connection and handshake.
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(address(), std::move(credentials), args);
}

int PfxdProcess::ThreadCount() const {
  std::ifstream status(absl::StrCat("/proc/", pid_, "/status"));
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("Threads:", 0) == 0) return std::atoi(line.c_str() + 8);
  }
  return -1;
}

std::string PfxdProcess::Log() const {
  if (!capture_log_) return "";
  std::ifstream in(work_dir_ + "/pfxd.log");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

int PfxdProcess::OpenFdCount() const {
  std::error_code error;
  std::filesystem::directory_iterator it(absl::StrCat("/proc/", pid_, "/fd"), error);
  if (error) return -1;
  int n = 0;
  for (; it != std::filesystem::directory_iterator(); it.increment(error)) {
    if (error) return -1;
    ++n;
  }
  return n;
}

bool PfxdProcess::Start() {
  std::string port_file = work_dir_ + "/port";
  std::filesystem::remove(port_file);
  std::filesystem::remove(work_dir_ + "/bmp_port");
  std::vector<std::string> argv = {PFX_BINARY_DIR "/server/pfxd",
                                   "--listen=127.0.0.1:0",
                                   "--data_dir=" + data_dir_,
                                   "--port_file=" + port_file,
                                   "--log_level=info",
                                   "--bmp_listen=127.0.0.1:0",
                                   "--bmp_port_file=" + work_dir_ + "/bmp_port"};
  argv.insert(argv.end(), args_.begin(), args_.end());
  int log_fd = -1;
  if (capture_log_) {
    log_fd =
        open((work_dir_ + "/pfxd.log").c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  }
  pid_ = fork();
  if (pid_ == 0) {
    // Dies with the test process even if the test itself is killed (e.g. by a ctest timeout).
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (log_fd >= 0) dup2(log_fd, STDERR_FILENO);
    if (fd_limit_ > 0) {
      rlimit r{static_cast<rlim_t>(fd_limit_), static_cast<rlim_t>(fd_limit_)};
      if (setrlimit(RLIMIT_NOFILE, &r) != 0) _exit(126);
    }
    std::vector<char*> cargv;
    for (std::string& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    execv(cargv[0], cargv.data());
    _exit(127);
  }
  if (log_fd >= 0) close(log_fd);
  bool up = WaitFor([&] {
    std::ifstream in(port_file);
    std::ifstream bmp(work_dir_ + "/bmp_port");
    return static_cast<bool>(in >> port_) && port_ > 0 && static_cast<bool>(bmp >> bmp_port_);
  });
  if (!up) {
    ADD_FAILURE() << "pfxd did not start within the timeout";
    return false;
  }
  channel_ =
      NewChannel(credentials_ != nullptr ? credentials_ : grpc::InsecureChannelCredentials());
  peerings_ = v1::Peerings::NewStub(channel_);
  registrations_ = v1::Registrations::NewStub(channel_);
  services_ = v1::PeeringServices::NewStub(channel_);
  validation_ = v1::Validation::NewStub(channel_);
  routes_ = v1::Routes::NewStub(channel_);
  injection_ = v1::RouteInjection::NewStub(channel_);
  return channel_->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(10));
}

void PfxdProcess::Stop() {
  if (pid_ <= 0) return;
  CloseChannel();
  kill(pid_, SIGTERM);
  int status = 0;
  bool exited = WaitFor([&] { return waitpid(pid_, &status, WNOHANG) == pid_; }, absl::Seconds(15));
  if (!exited) {
    kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
    ADD_FAILURE() << "pfxd did not stop on SIGTERM";
  } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    // A clean shutdown exits 0; a crash on the way out (an abort, a double free) is a bug.
    ADD_FAILURE() << "pfxd did not exit 0 on SIGTERM: "
                  << (WIFSIGNALED(status) ? absl::StrCat("killed by signal ", WTERMSIG(status))
                                          : absl::StrCat("exit ", WEXITSTATUS(status)))
                  << "\n" << Log();
  }
  pid_ = -1;
}

void PfxdProcess::CloseChannel() {
  peerings_.reset();
  registrations_.reset();
  services_.reset();
  validation_.reset();
  routes_.reset();
  injection_.reset();
  channel_.reset();
}

void PfxdProcess::Kill() {
  // The channel stays: clients may still be calling (and failing) while the process dies.
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

}  // namespace pfx::testing
