#include "collector/launcher/launcher.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "collector/launcher/process_scan.h"

namespace perfadvise::launcher {
namespace {

namespace fs = std::filesystem;

constexpr std::array<int, 6> kForwardedSignals{SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
constexpr int kScanIntervalMs = 250;

volatile sig_atomic_t g_child = 0;
int g_child_exited_pipe[2] = {-1, -1};

void forward_signal(int signal_number, siginfo_t* info, void*) {
  // A terminal's Ctrl-C (SI_KERNEL) already reached the command, which shares our process
  // group; only signals sent to the launcher itself are passed on.
  if (info != nullptr && info->si_code == SI_KERNEL) return;
  if (g_child > 0) kill(g_child, signal_number);
}

void on_child_exit(int) {
  const int saved = errno;
  char byte = 0;
  ssize_t ignored = write(g_child_exited_pipe[1], &byte, 1);
  (void)ignored;
  errno = saved;
}

/// Installs the launcher's handlers and returns the previous ones.
std::array<struct sigaction, kForwardedSignals.size() + 1> install_handlers() {
  std::array<struct sigaction, kForwardedSignals.size() + 1> previous{};
  struct sigaction forward {};
  forward.sa_sigaction = forward_signal;
  forward.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&forward.sa_mask);
  for (size_t i = 0; i < kForwardedSignals.size(); ++i) {
    sigaction(kForwardedSignals[i], &forward, &previous[i]);
  }
  struct sigaction child {};
  child.sa_handler = on_child_exit;
  child.sa_flags = SA_RESTART | SA_NOCLDSTOP;
  sigemptyset(&child.sa_mask);
  sigaction(SIGCHLD, &child, &previous.back());
  return previous;
}

void restore_handlers(const std::array<struct sigaction, kForwardedSignals.size() + 1>& old) {
  for (size_t i = 0; i < kForwardedSignals.size(); ++i) {
    sigaction(kForwardedSignals[i], &old[i], nullptr);
  }
  sigaction(SIGCHLD, &old.back(), nullptr);
}

/// In the child between fork and exec: only async-signal-safe calls.
[[noreturn]] void exec_child(char* const argv[], int error_pipe) {
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  sigemptyset(&default_action.sa_mask);
  for (int signal_number : kForwardedSignals)
    sigaction(signal_number, &default_action, nullptr);
  sigaction(SIGCHLD, &default_action, nullptr);
  execvp(argv[0], argv);
  const int error = errno;
  ssize_t ignored = write(error_pipe, &error, sizeof error);
  (void)ignored;
  _exit(error == ENOENT ? kExitCommandNotFound : kExitCannotExecute);
}

int exit_code_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

void set_environment(const RunOptions& options, const std::string& run_dir) {
  const std::string absolute_dir = fs::absolute(run_dir).string();
  setenv("CUDA_INJECTION64_PATH", options.collector_path.c_str(), 1);
  // NVTX must reach the same CUPTI instance: through our library, which forwards to it.
  setenv("NVTX_INJECTION64_PATH", options.collector_path.c_str(), 1);
  setenv("PERFADVISE_OUTPUT_DIR", absolute_dir.c_str(), 1);
  if (!options.steps_regex.empty()) {
    setenv("PERFADVISE_STEPS", options.steps_regex.c_str(), 1);
  } else {
    unsetenv("PERFADVISE_STEPS");
  }
  if (options.overhead_window_ms > 0) {
    setenv("PERFADVISE_OVERHEAD_WINDOW_MS", std::to_string(options.overhead_window_ms).c_str(), 1);
    setenv("PERFADVISE_OVERHEAD_OF", options.overhead_of.c_str(), 1);
  } else {
    unsetenv("PERFADVISE_OVERHEAD_WINDOW_MS");
    unsetenv("PERFADVISE_OVERHEAD_OF");
  }
}

/// Puts `value` in front of a ':'-separated list variable.
void prepend(const char* variable, const std::string& value) {
  const char* old = std::getenv(variable);
  if (old == nullptr || *old == '\0') {
    setenv(variable, value.c_str(), 1);
    return;
  }
  const std::string list = std::string(":") + old + ":";
  if (list.find(":" + value + ":") != std::string::npos) return;  // a second run: already there
  setenv(variable, (value + ":" + old).c_str(), 1);
}

/// GEMM shapes, framework ops, kernel lines and how much of the launch detail is kept: what
/// `perfadvise run` adds to the process.
/// A missing companion file is a warning, not an error: the run itself still works.
void set_operator_context(const RunOptions& options) {
  if (options.gemm_shapes) {
    if (auto gemm = find_beside_collector(options.collector_path, "libperfadvise_gemm.so");
        gemm.ok()) {
      prepend("LD_PRELOAD", gemm.value());
    } else {
      std::fprintf(stderr, "perfadvise: WARNING: %s; no GEMM shapes\n",
                   gemm.error().message.c_str());
    }
  }
  if (!options.torch_ops.empty()) {
    if (auto python = find_beside_collector(options.collector_path, "perfadvise_python");
        python.ok()) {
      // Its sitecustomize.py switches on PyTorch's NVTX op ranges once torch is imported.
      prepend("PYTHONPATH", python.value());
      setenv("PERFADVISE_TORCH_OPS", options.torch_ops.c_str(), 1);
    } else {
      std::fprintf(stderr, "perfadvise: WARNING: %s; no op ranges\n",
                   python.error().message.c_str());
    }
  }
  if (options.kernel_lines > 0) {
    setenv("PERFADVISE_KERNEL_LINES", std::to_string(options.kernel_lines).c_str(), 1);
  } else {
    unsetenv("PERFADVISE_KERNEL_LINES");
  }
  setenv("PERFADVISE_LAUNCH_DETAIL", options.launch_detail.c_str(), 1);
}

/// Waits for the child, scanning its process tree meanwhile. Returns its wait status.
int wait_for_child(pid_t child, ProcessScanner& scanner) {
  int status = 0;
  for (;;) {
    const pid_t done = waitpid(child, &status, WNOHANG);
    if (done == child) return status;
    if (done < 0 && errno != EINTR) return status;
    scanner.scan();
    pollfd exited{g_child_exited_pipe[0], POLLIN, 0};
    if (poll(&exited, 1, kScanIntervalMs) > 0) {
      char drained[64];
      ssize_t ignored = read(g_child_exited_pipe[0], drained, sizeof drained);
      (void)ignored;
    }
  }
}

std::string exec_error_line(const std::string& command, int error) {
  if (error == ENOENT) return command + ": command not found";
  return command + ": cannot execute: " + std::strerror(error);
}

}  // namespace

Result<RunResult> run_command(const RunOptions& options, const std::string& run_dir) {
  if (options.command.empty()) return make_error("no command given after --");
  std::vector<char*> argv;
  for (const std::string& arg : options.command)
    argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);

  int error_pipe[2];
  if (pipe2(error_pipe, O_CLOEXEC) != 0 || pipe2(g_child_exited_pipe, O_CLOEXEC) != 0) {
    return make_error("cannot create a pipe: {}", std::strerror(errno));
  }
  set_environment(options, run_dir);
  set_operator_context(options);
  const auto previous = install_handlers();
  const pid_t child = fork();
  if (child < 0) {
    restore_handlers(previous);
    return make_error("cannot fork: {}", std::strerror(errno));
  }
  if (child == 0) exec_child(argv.data(), error_pipe[1]);
  g_child = child;
  close(error_pipe[1]);

  RunResult result;
  result.output_dir = run_dir;
  int exec_error = 0;
  if (read(error_pipe[0], &exec_error, sizeof exec_error) == sizeof exec_error) {
    result.exec_failed = true;
    std::fprintf(stderr, "perfadvise: %s\n",
                 exec_error_line(options.command[0], exec_error).c_str());
  }
  close(error_pipe[0]);

  ProcessScanner scanner(child);
  const int status = wait_for_child(child, scanner);
  g_child = 0;
  restore_handlers(previous);
  close(g_child_exited_pipe[0]);
  close(g_child_exited_pipe[1]);
  result.exit_code = exit_code_of(status);
  result.processes = scanner.cuda_processes();
  return result;
}

}  // namespace perfadvise::launcher
