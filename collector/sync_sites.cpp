#include "collector/sync_sites.h"

#include <execinfo.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdlib>
#include <utility>

#include "collector/cupti_check.h"  // cupti.h brings the generated *_params structs
#include "collector/launch_cbids.h"
#include "collector/recording_state.h"
#include "collector/work_item.h"
#include "collector/writer_thread.h"

#include "collector/python_stack.h"

namespace perfadvise::collector {
namespace {

std::atomic<WriterThread*> g_sink{nullptr};
std::atomic<unsigned long long> g_captured{0};
std::atomic<unsigned long long> g_with_python{0};

// Inside a runtime call we track, the driver calls it makes are the same user call.
thread_local bool t_inside_runtime_call = false;
thread_local uint32_t t_runtime_correlation = 0;
// Whether those driver calls are aliased to it: for captured calls only, so that an
// unsampled kernel launch queues nothing.
thread_local bool t_alias_driver_calls = false;

// PERFADVISE_KERNEL_LINES=N: the Python stack of one kernel launch in N on each thread.
uint32_t g_launch_sample_every = 0;             // set before callbacks are enabled
CUpti_SubscriberHandle g_subscriber = nullptr;  // for update_launch_callbacks()
thread_local uint32_t t_launches = 0;

uint32_t launch_sample_every_from_env() {
  const char* value = std::getenv("PERFADVISE_KERNEL_LINES");
  if (value == nullptr) return 0;
  const long every = std::strtol(value, nullptr, 10);
  return every > 0 && every < (1L << 30) ? static_cast<uint32_t>(every) : 0;
}

constexpr std::array<CUpti_CallbackId, 8> kRuntimeSyncCbids{
    CUPTI_RUNTIME_TRACE_CBID_cudaMemcpy_v3020,
    CUPTI_RUNTIME_TRACE_CBID_cudaMemcpy_ptds_v7000,
    CUPTI_RUNTIME_TRACE_CBID_cudaMemcpyAsync_v3020,
    CUPTI_RUNTIME_TRACE_CBID_cudaMemcpyAsync_ptsz_v7000,
    CUPTI_RUNTIME_TRACE_CBID_cudaStreamSynchronize_v3020,
    CUPTI_RUNTIME_TRACE_CBID_cudaStreamSynchronize_ptsz_v7000,
    CUPTI_RUNTIME_TRACE_CBID_cudaEventSynchronize_v3020,
    CUPTI_RUNTIME_TRACE_CBID_cudaDeviceSynchronize_v3020,
};

constexpr std::array<CUpti_CallbackId, 15> kDriverSyncCbids{
    CUPTI_DRIVER_TRACE_CBID_cuMemcpyDtoH_v2,
    CUPTI_DRIVER_TRACE_CBID_cuMemcpyDtoH_v2_ptds,
    CUPTI_DRIVER_TRACE_CBID_cuMemcpyDtoHAsync_v2,
    CUPTI_DRIVER_TRACE_CBID_cuMemcpyDtoHAsync_v2_ptsz,
    CUPTI_DRIVER_TRACE_CBID_cuMemcpy,
    CUPTI_DRIVER_TRACE_CBID_cuMemcpy_ptds,
    CUPTI_DRIVER_TRACE_CBID_cuMemcpyAsync,
    CUPTI_DRIVER_TRACE_CBID_cuMemcpyAsync_ptsz,
    CUPTI_DRIVER_TRACE_CBID_cuStreamSynchronize,
    CUPTI_DRIVER_TRACE_CBID_cuStreamSynchronize_ptsz,
    CUPTI_DRIVER_TRACE_CBID_cuEventSynchronize,
    CUPTI_DRIVER_TRACE_CBID_cuCtxSynchronize,
    CUPTI_DRIVER_TRACE_CBID_cuCtxSynchronize_v2,
    CUPTI_DRIVER_TRACE_CBID_cuMemcpyDtoH,
    CUPTI_DRIVER_TRACE_CBID_cuMemcpyDtoHAsync,
};

uint32_t this_thread_id() {
  thread_local const auto id = static_cast<uint32_t>(syscall(SYS_gettid));
  return id;
}

/// Asynchronous copies block the host when they go to host memory, and also when they come
/// from pageable host memory (a CPU index tensor); only device-to-device copies never do.
bool runtime_call_can_block(CUpti_CallbackId cbid, const void* params) {
  cudaMemcpyKind kind = cudaMemcpyDefault;
  if (cbid == CUPTI_RUNTIME_TRACE_CBID_cudaMemcpyAsync_v3020) {
    kind = static_cast<const cudaMemcpyAsync_v3020_params*>(params)->kind;
  } else if (cbid == CUPTI_RUNTIME_TRACE_CBID_cudaMemcpyAsync_ptsz_v7000) {
    kind = static_cast<const cudaMemcpyAsync_ptsz_v7000_params*>(params)->kind;
  }
  return kind != cudaMemcpyDeviceToDevice;
}

void capture(uint32_t correlation_id, bool wake_writer) {
  WriterThread* sink = g_sink.load(std::memory_order_acquire);
  if (sink == nullptr) return;
  SyncCapture c;
  c.correlation_id = correlation_id;
  c.thread_id = this_thread_id();
  uint64_t now = 0;
  if (cuptiGetTimestamp(&now) == CUPTI_SUCCESS) c.time_ns = static_cast<int64_t>(now);
  thread_local std::vector<PyFrameInfo> frames;
  frames.clear();
  if (capture_python_stack(frames) && !frames.empty()) {
    c.user_frame = find_user_frame(frames);
    c.frames.reserve(frames.size());
    for (PyFrameInfo& f : frames) {
      c.frames.push_back(CapturedFrame{std::move(f.file), std::move(f.function), f.line});
    }
    g_with_python.fetch_add(1, std::memory_order_relaxed);
  }
  if (c.frames.empty()) {
    std::array<void*, 96> pcs{};
    const int depth = backtrace(pcs.data(), static_cast<int>(pcs.size()));
    if (depth > 0) c.native_pcs.assign(pcs.begin(), pcs.begin() + depth);
  }
  g_captured.fetch_add(1, std::memory_order_relaxed);
  if (wake_writer) {
    sink->push(std::move(c));
  } else {
    sink->push_quiet(std::move(c));  // launch samples: frequent, and nothing waits for them
  }
}

/// A kernel launch (only with PERFADVISE_KERNEL_LINES): one in N per thread gets its stack.
void on_launch_enter(CUpti_CallbackDomain domain, const CUpti_CallbackData& d) {
  if (t_inside_runtime_call) return;  // the driver launch inside a runtime launch: same kernel
  const bool sampled = ++t_launches % g_launch_sample_every == 0;
  if (domain == CUPTI_CB_DOMAIN_RUNTIME_API) {
    t_inside_runtime_call = true;
    t_runtime_correlation = d.correlationId;
    t_alias_driver_calls = sampled;
  }
  if (sampled) capture(d.correlationId, false);
}

void on_enter(CUpti_CallbackDomain domain, CUpti_CallbackId cbid, const CUpti_CallbackData& d) {
  if (g_launch_sample_every != 0 &&
      (domain == CUPTI_CB_DOMAIN_RUNTIME_API ? contains(kRuntimeLaunchCbids, cbid)
                                             : contains(kDriverLaunchCbids, cbid))) {
    on_launch_enter(domain, d);
    return;
  }
  if (domain == CUPTI_CB_DOMAIN_RUNTIME_API) {
    if (t_inside_runtime_call) return;
    t_inside_runtime_call = true;
    t_runtime_correlation = d.correlationId;
    t_alias_driver_calls = true;
    if (runtime_call_can_block(cbid, d.functionParams)) capture(d.correlationId, true);
    return;
  }
  if (t_inside_runtime_call) {
    if (!t_alias_driver_calls) return;
    WriterThread* sink = g_sink.load(std::memory_order_acquire);
    if (sink != nullptr) sink->push(CorrelationAlias{d.correlationId, t_runtime_correlation});
    return;
  }
  capture(d.correlationId, true);  // a program (or library) calling the driver API directly
}

}  // namespace

void set_capture_sink(WriterThread* writer) noexcept {
  g_sink.store(writer, std::memory_order_release);
}

bool enable_sync_callbacks(CUpti_SubscriberHandle subscriber) noexcept {
  bool ok = true;
  for (CUpti_CallbackId cbid : kRuntimeSyncCbids) {
    ok &= PA_CUPTI(cuptiEnableCallback(1, subscriber, CUPTI_CB_DOMAIN_RUNTIME_API, cbid));
  }
  for (CUpti_CallbackId cbid : kDriverSyncCbids) {
    ok &= PA_CUPTI(cuptiEnableCallback(1, subscriber, CUPTI_CB_DOMAIN_DRIVER_API, cbid));
  }
  // Callbacks on every launch cost even when the launch is not sampled: only on request.
  g_launch_sample_every = launch_sample_every_from_env();
  g_subscriber = subscriber;
  return ok && update_launch_callbacks();
}

bool update_launch_callbacks() noexcept {
  if (g_launch_sample_every == 0 || g_subscriber == nullptr) return true;
  const uint32_t enable = kernel_lines_on() ? 1 : 0;
  bool ok = true;
  for (CUpti_CallbackId cbid : kRuntimeLaunchCbids) {
    ok &= PA_CUPTI(cuptiEnableCallback(enable, g_subscriber, CUPTI_CB_DOMAIN_RUNTIME_API, cbid));
  }
  for (CUpti_CallbackId cbid : kDriverLaunchCbids) {
    ok &= PA_CUPTI(cuptiEnableCallback(enable, g_subscriber, CUPTI_CB_DOMAIN_DRIVER_API, cbid));
  }
  return ok;
}

void CUPTIAPI on_api_callback(void*, CUpti_CallbackDomain domain, CUpti_CallbackId cbid,
                              const void* data) {
  try {
    if (data == nullptr) return;
    if (domain != CUPTI_CB_DOMAIN_RUNTIME_API && domain != CUPTI_CB_DOMAIN_DRIVER_API) return;
    const auto& d = *static_cast<const CUpti_CallbackData*>(data);
    if (d.callbackSite == CUPTI_API_ENTER) {
      on_enter(domain, cbid, d);
    } else if (domain == CUPTI_CB_DOMAIN_RUNTIME_API && t_inside_runtime_call &&
               d.correlationId == t_runtime_correlation) {
      t_inside_runtime_call = false;
    }
  } catch (...) {
    // Never let anything escape into CUDA's caller.
  }
}

CaptureCounts capture_counts() noexcept {
  return CaptureCounts{g_captured.load(), g_with_python.load()};
}

}  // namespace perfadvise::collector
