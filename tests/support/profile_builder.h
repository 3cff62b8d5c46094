// Builds synthetic profiles for tests: in memory (build()) or as a file through the real writer
// (write()). Times are in nanoseconds from 0. Every API-level helper creates the API call and the
// GPU activity it caused, joined by a fresh correlation id, as the collector would record them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "profile/profile.h"
#include "profile/result.h"

namespace perfadvise::testing {

struct KernelShape {
  uint32_t grid_x = 132, grid_y = 1, grid_z = 1;
  uint32_t block_x = 256, block_y = 1, block_z = 1;
  uint32_t registers_per_thread = 32;
};

struct PyFrame {
  std::string file;
  std::string function;
  uint32_t line = 0;
};

class ProfileBuilder {
 public:
  static constexpr uint32_t kMainThread = 1000;
  static constexpr uint32_t kDefaultStream = 7;

  ProfileBuilder();

  /// A kernel launched by cudaLaunchKernel at `api_start` (2 us API call), running
  /// [kernel_start, kernel_start + duration). Returns the correlation id.
  uint32_t launch(const std::string& name, TimeNs api_start, TimeNs kernel_start, TimeNs duration,
                  const KernelShape& shape = {}, uint32_t stream = kDefaultStream);
  /// A cudaMemcpyAsync call [api_start, api_end) and the copy [copy_start, copy_end).
  uint32_t copy(MemcpyKind kind, uint64_t bytes, TimeNs api_start, TimeNs api_end,
                TimeNs copy_start, TimeNs copy_end, MemoryKind host_kind = MemoryKind::kPageable,
                uint32_t stream = kDefaultStream);
  /// A synchronizing API call (`api`, e.g. "cudaStreamSynchronize") and its sync record.
  uint32_t sync(SyncType type, TimeNs start, TimeNs end,
                const std::string& api = "cudaStreamSynchronize", uint32_t stream = kDefaultStream);
  /// Any other API call (cudaMalloc, cudaGraphLaunch, ...).
  uint32_t api(const std::string& name, TimeNs start, TimeNs end, uint32_t cbid = 0);
  void memset(uint64_t bytes, TimeNs start, TimeNs end, uint32_t stream = kDefaultStream);
  void nvtx_range(const std::string& name, TimeNs start, TimeNs end, uint32_t thread = kMainThread);
  /// A window the collector marked in its own NVTX domain (kRecordingPausedRange, ...).
  void collector_range(std::string_view name, TimeNs start, TimeNs end);
  /// Attaches a Python stack (innermost first) to the API call with this correlation id.
  /// `user_frame` is the index in `frames` of the innermost frame of user code (-1: none).
  void call_site(uint32_t correlation_id, const std::vector<PyFrame>& frames, int user_frame,
                 const std::string& op = "");
  void gemm(uint32_t correlation_id, int64_t m, int64_t n, int64_t k, uint16_t data_type,
            uint16_t compute_type, int64_t batch = 1);

  /// A GEMM call timed on its host thread, as the interposer records it (no correlation id:
  /// the Profile links it to the kernels launched inside [start, end]). Returns its row index.
  uint32_t gemm_call(TimeNs start, TimeNs end, int64_t m, int64_t n, int64_t k, uint16_t data_type,
                     const std::string& api = "cublasLtMatmul", uint32_t thread = kMainThread);

  Profile& profile() { return profile_; }
  StringId intern(const std::string& text);

  /// The profile with indexes built.
  Profile build() const;
  /// Writes the profile through ProfileWriter (and so exercises the real file format).
  Result<void> write(const std::string& path) const;

 private:
  uint32_t next_correlation_ = 1;
  Profile profile_;
};

}  // namespace perfadvise::testing
