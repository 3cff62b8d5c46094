// Whether the collector is recording right now. set_recording() (cupti_setup.h) flips it with
// the activity kinds; the GEMM hooks read it, so that a `--measure-overhead` pause leaves them
// quiet too. Header-only: the CPU tests link the GEMM hooks without CUPTI setup.
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

}  // namespace perfadvise::collector
