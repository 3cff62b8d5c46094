// A small causal simulator for synthetic profiles: a host thread that issues CUDA calls one
// after another and a GPU stream that runs them in order, so that launch gaps, syncs and the
// idle time after them come out as they would in a real trace. Used by analyzer and rule tests.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "tests/support/profile_builder.h"

namespace perfadvise::testing {

class WorkloadSim {
 public:
  static constexpr TimeNs kUs = 1000;

  explicit WorkloadSim(ProfileBuilder& builder) : b_(builder) {}

  TimeNs host() const { return host_; }
  TimeNs gpu_free() const { return gpu_free_; }
  /// Host time spent per launched op (Python + dispatcher + launch).
  TimeNs launch_cost = 8 * kUs;

  /// Host work without CUDA calls (Python, data loading).
  void host_work(TimeNs ns) { host_ += ns; }

  uint32_t kernel(const std::string& name, TimeNs duration, const KernelShape& shape = {}) {
    const TimeNs start = std::max(gpu_free_, host_ + 4 * kUs);
    const uint32_t corr = b_.launch(name, host_, start, duration, shape);
    gpu_free_ = start + duration;
    host_ += launch_cost;
    return corr;
  }

  /// A copy the host waits for: cudaMemcpyAsync then cudaStreamSynchronize (memcpy_and_sync).
  uint32_t blocking_copy(MemcpyKind kind, uint64_t bytes, const std::vector<PyFrame>& frames,
                         const std::string& op, MemoryKind host_kind = MemoryKind::kPageable) {
    const TimeNs copy_start = std::max(gpu_free_, host_ + 5 * kUs);
    const TimeNs copy_end = copy_start + 2 * kUs;
    const TimeNs api_end = kind == MemcpyKind::kDtoH && host_kind == MemoryKind::kPageable
                               ? copy_end + 2 * kUs
                               : host_ + 6 * kUs;
    const uint32_t corr = b_.copy(kind, bytes, host_, api_end, copy_start, copy_end, host_kind);
    if (!frames.empty() || !op.empty()) b_.call_site(corr, frames, frames.empty() ? -1 : 0, op);
    gpu_free_ = copy_end;
    const TimeNs sync_start = api_end + 1 * kUs;
    const TimeNs sync_end = std::max(sync_start + 2 * kUs, copy_end + 3 * kUs);
    b_.sync(SyncType::kStreamSynchronize, sync_start, sync_end);
    host_ = sync_end + 2 * kUs;
    return corr;
  }

  /// An async copy (no sync after it); pageable host memory makes the call wait for the copy.
  uint32_t async_copy(MemcpyKind kind, uint64_t bytes, MemoryKind host_kind) {
    const TimeNs copy_start = std::max(gpu_free_, host_ + 5 * kUs);
    const TimeNs copy_end = copy_start + std::max<TimeNs>(2 * kUs, TimeNs(bytes / 20'000));
    const TimeNs api_end =
        host_kind == MemoryKind::kPageable ? copy_end + 2 * kUs : host_ + 5 * kUs;
    const uint32_t corr = b_.copy(kind, bytes, host_, api_end, copy_start, copy_end, host_kind);
    gpu_free_ = copy_end;
    host_ = api_end + 2 * kUs;
    return corr;
  }

  /// cudaDeviceSynchronize / cudaStreamSynchronize / cudaEventSynchronize on its own.
  uint32_t explicit_sync(SyncType type, const std::string& api,
                         const std::vector<PyFrame>& frames = {}) {
    const TimeNs end = std::max(host_ + 2 * kUs, gpu_free_ + 3 * kUs);
    const uint32_t corr = b_.sync(type, host_, end, api);
    if (!frames.empty()) b_.call_site(corr, frames, 0);
    host_ = end + 2 * kUs;
    return corr;
  }

  /// Any other API call taking `duration` on the host (cudaMalloc, cudaFree, ...). cudaFree
  /// waits for the GPU like a device sync.
  uint32_t api(const std::string& name, TimeNs duration, bool waits_for_gpu = false) {
    const TimeNs end =
        waits_for_gpu ? std::max(host_ + duration, gpu_free_ + 3 * kUs) : host_ + duration;
    const uint32_t corr = b_.api(name, host_, end);
    host_ = end + 1 * kUs;
    return corr;
  }

  void nvtx(const std::string& name, TimeNs start, TimeNs end) { b_.nvtx_range(name, start, end); }

 private:
  ProfileBuilder& b_;
  TimeNs host_ = 1'000'000;
  TimeNs gpu_free_ = 0;
};

}  // namespace perfadvise::testing
