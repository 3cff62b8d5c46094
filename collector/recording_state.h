// Whether the collector is recording right now. set_recording() (cupti_setup.h) flips it with
// the activity kinds; the GEMM hooks read it, so that a `--measure-overhead` pause leaves them
// quiet too. `--overhead-of gemm-shapes` pauses GEMM capture alone through its own flag.
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

/// Whether the GEMM hooks should read the clock and store the call.
inline bool gemm_capture_on() noexcept {
  return recording() && gemm_capture_flag().load(std::memory_order_relaxed);
}

}  // namespace perfadvise::collector
