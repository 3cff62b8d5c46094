#include "collector/recording_windows.h"

#include <cupti.h>

#include <cstdlib>

#include <fmt/format.h>

#include "collector/cupti_setup.h"
#include "collector/log.h"
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

RecordingWindows::RecordingWindows(std::chrono::milliseconds window, WriterThread& writer)
    : window_(window), writer_(writer), next_switch_(Clock::now() + window) {}

std::chrono::milliseconds RecordingWindows::until_next_switch(Clock::time_point now) const {
  if (now >= next_switch_) return std::chrono::milliseconds(0);
  return std::chrono::duration_cast<std::chrono::milliseconds>(next_switch_ - now) +
         std::chrono::milliseconds(1);
}

void RecordingWindows::tick(Clock::time_point now) noexcept {
  if (now < next_switch_) return;
  const auto started = Clock::now();
  if (recording_) {
    set_recording(false);
    set_launch_callbacks(false);
    pause_start_ns_ = cupti_now();  // after the switch: the pause holds no recorded work
  } else {
    writer_.push(CollectionPause{pause_start_ns_, cupti_now()});
    set_recording(true);
    set_launch_callbacks(true);
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
