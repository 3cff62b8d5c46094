// `perfadvise run --measure-overhead`: the collector switches recording off and on in
// alternating windows of fixed length, and marks each off window in the profile, so that the
// analyzer can compare steps run with and without recording inside one process. Plain runs on
// the GPU machine drift by up to 2x between processes; windows a second apart do not.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "collector/writer_thread.h"

namespace perfadvise::collector {

/// What the windows switch off (`--overhead-of`): all recording, or one optional capture with
/// everything else recorded throughout, so that its own cost is measured.
enum class OverheadOf { kRecording, kGemmShapes, kKernelLines };

class RecordingWindows {
 public:
  using Clock = std::chrono::steady_clock;

  /// PERFADVISE_OVERHEAD_WINDOW_MS, when set to a positive number of milliseconds.
  static std::optional<std::chrono::milliseconds> window_from_env();
  /// PERFADVISE_OVERHEAD_OF: "gemm-shapes", "kernel-lines", else all recording.
  static OverheadOf overhead_of_from_env();

  RecordingWindows(std::chrono::milliseconds window, OverheadOf what, WriterThread& writer);

  /// How long the flush thread may sleep before the next switch is due.
  std::chrono::milliseconds until_next_switch(Clock::time_point now) const;
  /// Switches recording when a window has ended. Called by the flush thread only.
  void tick(Clock::time_point now) noexcept;
  /// Closes an open pause at shutdown and logs how long the switches took.
  void finish() noexcept;

 private:
  void switch_to(bool on) noexcept;

  std::chrono::milliseconds window_;
  OverheadOf what_;
  WriterThread& writer_;
  Clock::time_point next_switch_;
  bool recording_ = true;
  int64_t pause_start_ns_ = 0;
  int pauses_ = 0;
  double slowest_switch_ms_ = 0;  // enabling CONCURRENT_KERNEL may re-instrument kernels
};

}  // namespace perfadvise::collector
