// Which captures are on right now. set_recording() (cupti_setup.h) flips `recording` with the
// activity kinds; the GEMM hooks read it, so that a `--measure-overhead` pause leaves them quiet
// too. The launch-detail windows (capture_windows.h) flip `launch_detail`: outside them no launch
// API record, GEMM shape or kernel line is captured. `--overhead-of gemm-shapes|kernel-lines`
// pause one capture alone through its own flag.
// Header-only: the CPU tests link the GEMM hooks without CUPTI setup.
#pragma once

#include <atomic>

namespace perfadvise::collector {

inline std::atomic<bool>& recording_flag() noexcept {
  static std::atomic<bool> flag{false};  // nothing is recorded before CUPTI is configured
  return flag;
}

inline bool recording() noexcept {
  return recording_flag().load(std::memory_order_relaxed);
}

inline std::atomic<bool>& gemm_capture_flag() noexcept {
  static std::atomic<bool> flag{true};
  return flag;
}

inline std::atomic<bool>& launch_detail_flag() noexcept {
  static std::atomic<bool> flag{true};
  return flag;
}

inline bool launch_detail() noexcept {
  return launch_detail_flag().load(std::memory_order_relaxed);
}

inline std::atomic<bool>& kernel_lines_flag() noexcept {
  static std::atomic<bool> flag{true};
  return flag;
}

/// Whether the GEMM hooks should read the clock and store the call. A GEMM is linked to its
/// kernel through the launch's API record, so without launch detail it would be useless.
inline bool gemm_capture_on() noexcept {
  return recording() && launch_detail() && gemm_capture_flag().load(std::memory_order_relaxed);
}

/// Whether the sampled kernel-line callbacks should be enabled (sync_sites.h).
inline bool kernel_lines_on() noexcept {
  return recording() && launch_detail() && kernel_lines_flag().load(std::memory_order_relaxed);
}

}  // namespace perfadvise::collector
