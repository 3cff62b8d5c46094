#include "collector/recording_windows.h"

#include <cupti.h>

#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "collector/cupti_setup.h"
#include "collector/log.h"
#include "collector/recording_state.h"
#include "collector/sync_sites.h"

namespace perfadvise::collector {
namespace {

int64_t cupti_now() {
  uint64_t now = 0;
  return cuptiGetTimestamp(&now) == CUPTI_SUCCESS ? static_cast<int64_t>(now) : 0;
}

}  // namespace

std::optional<std::chrono::milliseconds> RecordingWindows::window_from_env() {
  const char* text = std::getenv("PERFADVISE_OVERHEAD_WINDOW_MS");
  if (text == nullptr || *text == '\0') return std::nullopt;
  char* end = nullptr;
  const long value = std::strtol(text, &end, 10);
  if (end == text || *end != '\0' || value <= 0) return std::nullopt;
  return std::chrono::milliseconds(value);
}

OverheadOf RecordingWindows::overhead_of_from_env() {
  const char* text = std::getenv("PERFADVISE_OVERHEAD_OF");
  if (text == nullptr) return OverheadOf::kRecording;
  if (std::strcmp(text, "gemm-shapes") == 0) return OverheadOf::kGemmShapes;
  if (std::strcmp(text, "kernel-lines") == 0) return OverheadOf::kKernelLines;
  return OverheadOf::kRecording;
}

RecordingWindows::RecordingWindows(std::chrono::milliseconds window, OverheadOf what,
                                   WriterThread& writer)
    : window_(window), what_(what), writer_(writer), next_switch_(Clock::now() + window) {}

void RecordingWindows::switch_to(bool on) noexcept {
  switch (what_) {
    case OverheadOf::kRecording:
      set_recording(on);  // the GEMM hooks follow recording_state.h's flag
      set_launch_callbacks(on);
      break;
    case OverheadOf::kGemmShapes:
      gemm_capture_flag().store(on, std::memory_order_relaxed);
      break;
    case OverheadOf::kKernelLines:
      set_launch_callbacks(on);
      break;
  }
}

std::chrono::milliseconds RecordingWindows::until_next_switch(Clock::time_point now) const {
  if (now >= next_switch_) return std::chrono::milliseconds(0);
  return std::chrono::duration_cast<std::chrono::milliseconds>(next_switch_ - now) +
         std::chrono::milliseconds(1);
}

void RecordingWindows::tick(Clock::time_point now) noexcept {
  if (now < next_switch_) return;
  const auto started = Clock::now();
  if (recording_) {
    switch_to(false);
    pause_start_ns_ = cupti_now();  // after the switch: the pause holds no recorded work
  } else {
    writer_.push(CollectionPause{pause_start_ns_, cupti_now()});
    switch_to(true);
    ++pauses_;
  }
  recording_ = !recording_;
  const double took_ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
  if (took_ms > slowest_switch_ms_) slowest_switch_ms_ = took_ms;
  next_switch_ = Clock::now() + window_;
}

void RecordingWindows::finish() noexcept {
  try {
    if (!recording_) {
      writer_.push(CollectionPause{pause_start_ns_, cupti_now()});
      ++pauses_;
    }
    log_line(
        fmt::format("--measure-overhead: {} paused windows of {} ms; the slowest switch "
                    "took {:.1f} ms",
                    pauses_, window_.count(), slowest_switch_ms_));
  } catch (...) {
  }
}

}  // namespace perfadvise::collector
