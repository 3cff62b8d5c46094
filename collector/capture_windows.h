// Switches a capture off and on in windows (window_schedule.h) and marks each off window in the
// profile with a perfadvise NVTX range, so that the analyzer knows which steps ran with what:
// - `perfadvise run --measure-overhead` switches all recording (or, with --overhead-of, one
//   capture) and the analyzer compares steps run with and without it inside one process. Plain
//   runs on the GPU machine drift by up to 2x between processes; windows a second apart do not.
// - The per-launch detail (launch API records, GEMM shapes, kernel lines) is on in sampled
//   windows by default, and the analyzer reads the steps that ran inside them.
// Driven by the flush thread only.
#pragma once

#include <chrono>
#include <cstdint>

#include "collector/window_schedule.h"
#include "collector/writer_thread.h"

namespace perfadvise::collector {

/// What a set of windows switches.
enum class Switched {
  kRecording,     // --measure-overhead: everything
  kGemmShapes,    // --overhead-of gemm-shapes
  kKernelLines,   // --overhead-of kernel-lines
  kLaunchDetail,  // launch API records, GEMM shapes, kernel lines (sampled by default)
};

/// PERFADVISE_OVERHEAD_OF: "gemm-shapes", "kernel-lines", else all recording.
Switched overhead_of_from_env();

class CaptureWindows {
 public:
  using Clock = std::chrono::steady_clock;

  CaptureWindows(const WindowSchedule& schedule, Switched what, WriterThread& writer);

  /// How long the flush thread may sleep before the next switch is due.
  std::chrono::milliseconds until_next_switch(Clock::time_point now) const;
  /// Switches when a window has ended.
  void tick(Clock::time_point now) noexcept;
  /// Closes an open off window at shutdown; for --measure-overhead, logs how it went.
  void finish() noexcept;

 private:
  void switch_to(bool on) noexcept;
  void mark_off_window() noexcept;

  WindowSchedule schedule_;
  Switched what_;
  WriterThread& writer_;
  Clock::time_point next_switch_;
  bool on_ = true;
  int64_t off_since_ns_ = 0;
  int off_windows_ = 0;
  double slowest_switch_ms_ = 0;  // enabling CONCURRENT_KERNEL may re-instrument kernels
};

}  // namespace perfadvise::collector
