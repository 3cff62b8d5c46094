// The collector's entry points. CUDA calls InitializeInjection inside the process's first
// cuInit when CUDA_INJECTION64_PATH names this library; NVTX calls InitializeInjectionNvtx2 when
// NVTX_INJECTION64_PATH does. Everything else here is the lifecycle: CUPTI setup, the flush
// thread, and a clean close at exit and on SIGINT/SIGTERM. Nothing may throw out of these
// functions, and nothing may crash, hang or change the exit code of the watched program.
#include <cupti.h>
#include <dlfcn.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "collector/buffer_pool.h"
#include "collector/capture_windows.h"
#include "collector/cupti_check.h"
#include "collector/cupti_setup.h"
#include "collector/gemm_capture.h"
#include "collector/log.h"
#include "collector/process_info.h"
#include "collector/python_stack.h"
#include "collector/sync_sites.h"
#include "collector/writer_thread.h"

namespace perfadvise::collector {
namespace {

constexpr size_t kBufferBytes = 4u << 20;  // CUPTI recommends 1-10 MB
constexpr size_t kPreallocatedBuffers = 8;
constexpr size_t kMaxBuffers = 128;  // 512 MiB; beyond that CUPTI drops (and counts) records
constexpr std::chrono::milliseconds kFlushInterval{1000};
constexpr std::chrono::seconds kCloseTimeout{60};

struct Collector {
  pid_t pid = 0;
  std::string profile;
  BufferPool* pool = nullptr;
  WriterThread* writer = nullptr;
  std::atomic<bool> stopping{false};
  std::thread flush_thread;
  int wake_pipe[2] = {-1, -1};
  // Used by the flush thread: --measure-overhead's windows, the sampled launch detail's.
  std::vector<CaptureWindows*> windows;
};

// Leaked on purpose: no static destructor may run while CUDA or the application still calls in.
Collector* g_collector = nullptr;
std::atomic<bool> g_inert{false};  // a fork()ed child: never touches CUPTI or SQLite
std::atomic<int> g_pending_signal{0};

bool usable() {
  return g_collector != nullptr && !g_inert.load(std::memory_order_relaxed);
}

void CUPTIAPI buffer_requested(uint8_t** buffer, size_t* size, size_t* max_records) {
  *max_records = 0;
  *buffer = usable() ? g_collector->pool->take() : nullptr;
  *size = *buffer != nullptr ? g_collector->pool->buffer_bytes() : 0;
}

void CUPTIAPI buffer_completed(CUcontext context, uint32_t stream, uint8_t* buffer, size_t,
                               size_t valid_bytes) {
  if (buffer == nullptr) return;
  if (!usable()) return;  // a forked child's copy: leave it alone
  size_t dropped = 0;
  if (cuptiActivityGetNumDroppedRecords(context, stream, &dropped) != CUPTI_SUCCESS) dropped = 0;
  g_collector->writer->push(CompletedBuffer{buffer, valid_bytes, dropped});
}

void write_marker(const std::string& status) {
  const std::string path = started_marker_path(g_collector->profile);
  FILE* file = std::fopen(path.c_str(), "w");
  if (file == nullptr) return;
  std::fprintf(file, "pid=%d\nprofile=%s\nstatus=%s\n", static_cast<int>(g_collector->pid),
               g_collector->profile.c_str(), status.c_str());
  std::fclose(file);
}

/// Flushes everything CUPTI holds, closes the profile. Runs once, in the process that started
/// the collector, from atexit or from the flush thread after a termination signal.
void shut_down(bool on_flush_thread) {
  if (!usable() || getpid() != g_collector->pid) return;
  if (g_collector->stopping.exchange(true)) return;
  if (!on_flush_thread && g_collector->flush_thread.joinable()) {
    char byte = 0;
    ssize_t ignored = write(g_collector->wake_pipe[1], &byte, 1);
    (void)ignored;
    g_collector->flush_thread.join();
  }
  for (CaptureWindows* w : g_collector->windows)
    w->finish();
  PA_CUPTI(cuptiActivityFlushAll(CUPTI_ACTIVITY_FLAG_FLUSH_FORCED));
  const bool closed = g_collector->writer->stop(kCloseTimeout);
  write_marker(closed && g_collector->writer->healthy() ? "closed" : "failed");
}

void at_exit() {
  try {
    shut_down(false);
  } catch (...) {
  }
}

void on_termination_signal(int signal_number) {
  // Async-signal-safe only. A forked child has no flush thread: die at once, as by default.
  if (g_inert.load() || getpid() != g_collector->pid) {
    signal(signal_number, SIG_DFL);
    raise(signal_number);
    return;
  }
  // Record it and wake the flush thread, which does the real work.
  g_pending_signal.store(signal_number);
  char byte = 1;
  ssize_t ignored = write(g_collector->wake_pipe[1], &byte, 1);
  (void)ignored;
}

/// pthread_atfork child handler: the child has none of our threads and must never reach CUPTI or
/// SQLite; it gets the default signal dispositions back where we had installed ours.
void become_inert_child() {
  g_inert.store(true);
  set_gemm_sink(nullptr);
  for (int signal_number : {SIGTERM, SIGINT}) {
    struct sigaction current {};
    if (sigaction(signal_number, nullptr, &current) == 0 &&
        current.sa_handler == on_termination_signal) {
      signal(signal_number, SIG_DFL);
    }
  }
}

void install_signal_handlers() {
  for (int signal_number : {SIGTERM, SIGINT}) {
    struct sigaction current {};
    if (sigaction(signal_number, nullptr, &current) != 0) continue;
    // Only where the program left the default (die): Python's own SIGINT handler and any
    // handler the program installed keep working, and their exit paths reach atexit.
    if (current.sa_handler != SIG_DFL || (current.sa_flags & SA_SIGINFO)) continue;
    struct sigaction ours {};
    ours.sa_handler = on_termination_signal;
    sigemptyset(&ours.sa_mask);
    ours.sa_flags = SA_RESTART;
    sigaction(signal_number, &ours, nullptr);
  }
}

void flush_loop() noexcept {
  try {
    pollfd wake{g_collector->wake_pipe[0], POLLIN, 0};
    auto next_flush = std::chrono::steady_clock::now() + kFlushInterval;
    while (!g_collector->stopping.load()) {
      const auto now = std::chrono::steady_clock::now();
      auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_flush - now);
      for (CaptureWindows* w : g_collector->windows) {
        wait = std::min(wait, w->until_next_switch(now));
      }
      const int ready = poll(&wake, 1, static_cast<int>(std::max<int64_t>(wait.count(), 0)));
      if (ready > 0) {
        char drained[16];
        ssize_t ignored = read(g_collector->wake_pipe[0], drained, sizeof drained);
        (void)ignored;
      }
      if (const int signal_number = g_pending_signal.load(); signal_number != 0) {
        shut_down(true);
        // Die the way the signal would have killed the program, exit code included.
        signal(signal_number, SIG_DFL);
        kill(getpid(), signal_number);
        return;
      }
      if (g_collector->stopping.load()) return;
      for (CaptureWindows* w : g_collector->windows)
        w->tick(std::chrono::steady_clock::now());
      if (std::chrono::steady_clock::now() >= next_flush) {
        PA_CUPTI(cuptiActivityFlushAll(0));
        next_flush = std::chrono::steady_clock::now() + kFlushInterval;
      }
    }
  } catch (...) {
  }
}

/// mkdir -p: the launcher creates the directory, but a hand-set PERFADVISE_OUTPUT_DIR may not
/// exist yet.
bool make_directories(const std::string& path) {
  for (size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
    const std::string prefix = path.substr(0, slash);
    if (mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST) return false;
    if (slash == std::string::npos) return true;
  }
}

std::string output_directory() {
  const char* dir = std::getenv("PERFADVISE_OUTPUT_DIR");
  if (dir == nullptr || *dir == '\0') return std::string(".");
  if (!make_directories(dir)) {
    log_line(fmt::format("cannot create {}; writing the profile to the working directory", dir));
    return std::string(".");
  }
  return std::string(dir);
}

void initialize() {
  static std::atomic<bool> once{false};
  if (once.exchange(true)) return;
  const char* disabled = std::getenv("PERFADVISE_DISABLE");
  if (disabled != nullptr && *disabled != '\0' && *disabled != '0') return;

  auto* c = new Collector;
  c->pid = getpid();
  c->profile = profile_path(output_directory(), rank_from_env(), static_cast<uint32_t>(c->pid));
  g_collector = c;
  pthread_atfork(nullptr, nullptr, [] { become_inert_child(); });

  CUpti_SubscriberHandle subscriber = nullptr;
  std::string holder;
  if (!subscribe(on_api_callback, subscriber, holder)) {
    // fmt, not operator+: GCC 12 warns falsely (-Wrestrict) on "literal" + std::string.
    log_line(
        fmt::format("another CUPTI client ({}) is attached to this process (torch.profiler, "
                    "Nsight, ...); perfadvise records nothing here and the program runs "
                    "on untraced",
                    holder));
    write_marker(fmt::format("blocked by {}", holder));
    g_inert.store(true);
    return;
  }
  if (pipe(c->wake_pipe) != 0) {
    log_line("cannot create the wake pipe; nothing will be recorded");
    g_inert.store(true);
    return;
  }
  c->pool = new BufferPool(kBufferBytes, kPreallocatedBuffers, kMaxBuffers);
  WriterConfig config;
  config.path = c->profile;
  config.provenance = make_provenance(c->pid);
  config.meta = collector_meta(kBufferBytes);
  c->writer = new WriterThread(std::move(config), *c->pool);
  if (!c->writer->start()) {
    g_inert.store(true);
    return;
  }
  set_capture_sink(c->writer);
  // libperfadvise_gemm.so's records, when it is preloaded.
  set_gemm_sink(c->writer);
  init_python_stack();  // symbol lookups now, not inside the first captured CUDA call
  configure_activity(buffer_requested, buffer_completed);
  enable_sync_callbacks(subscriber);
  if (auto schedule = overhead_schedule(std::getenv("PERFADVISE_OVERHEAD_WINDOW_MS"))) {
    c->windows.push_back(new CaptureWindows(*schedule, overhead_of_from_env(), *c->writer));
  }
  if (auto schedule = launch_detail_schedule(std::getenv("PERFADVISE_LAUNCH_DETAIL"),
                                             std::getenv("PERFADVISE_LAUNCH_DETAIL_MS"))) {
    c->windows.push_back(new CaptureWindows(*schedule, Switched::kLaunchDetail, *c->writer));
  }
  c->flush_thread = std::thread(flush_loop);
  install_signal_handlers();
  std::atexit(at_exit);
  write_marker("started");
}

}  // namespace
}  // namespace perfadvise::collector

// NOLINTNEXTLINE(readability-identifier-naming): the name CUDA looks up
extern "C" __attribute__((visibility("default"))) int InitializeInjection(void) {
  try {
    perfadvise::collector::initialize();
  } catch (...) {
    perfadvise::collector::log_line("initialization failed; the program runs on untraced");
  }
  return 1;  // 1 = "injection initialized": CUDA goes on either way
}

/// NVTX looks this up in the library NVTX_INJECTION64_PATH names. Forwarding to the libcupti
/// this library is linked against keeps NVTX and activity tracing in one CUPTI instance.
// NOLINTNEXTLINE(readability-identifier-naming): the name NVTX looks up
extern "C" __attribute__((visibility("default"))) int InitializeInjectionNvtx2(
    const void* get_export_table) {
  try {
    Dl_info info{};
    if (dladdr(reinterpret_cast<void*>(&cuptiGetVersion), &info) == 0 || !info.dli_fname) return 0;
    void* cupti = dlopen(info.dli_fname, RTLD_NOLOAD | RTLD_LAZY);
    if (cupti == nullptr) return 0;
    using Init = int (*)(const void*);
    auto init = reinterpret_cast<Init>(dlsym(cupti, "InitializeInjectionNvtx2"));
    return init != nullptr ? init(get_export_table) : 0;
  } catch (...) {
    return 0;
  }
}
