#include "collector/capture_windows.h"

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

Switched overhead_of_from_env() {
  const char* text = std::getenv("PERFADVISE_OVERHEAD_OF");
  if (text == nullptr) return Switched::kRecording;
  if (std::strcmp(text, "gemm-shapes") == 0) return Switched::kGemmShapes;
  if (std::strcmp(text, "kernel-lines") == 0) return Switched::kKernelLines;
  return Switched::kRecording;
}

CaptureWindows::CaptureWindows(const WindowSchedule& schedule, Switched what, WriterThread& writer)
    : schedule_(schedule),
      what_(what),
      writer_(writer),
      next_switch_(Clock::now() + schedule.first_on) {}

void CaptureWindows::switch_to(bool on) noexcept {
  switch (what_) {
    case Switched::kRecording:
      set_recording(on);  // applies the launch-detail state; the GEMM hooks follow the flag
      break;
    case Switched::kGemmShapes:
      gemm_capture_flag().store(on, std::memory_order_relaxed);
      break;
    case Switched::kKernelLines:
      kernel_lines_flag().store(on, std::memory_order_relaxed);
      break;
    case Switched::kLaunchDetail:
      launch_detail_flag().store(on, std::memory_order_relaxed);
      set_launch_records(on);
      break;
  }
  update_launch_callbacks();
}

std::chrono::milliseconds CaptureWindows::until_next_switch(Clock::time_point now) const {
  if (now >= next_switch_) return std::chrono::milliseconds(0);
  return std::chrono::duration_cast<std::chrono::milliseconds>(next_switch_ - now) +
         std::chrono::milliseconds(1);
}

void CaptureWindows::mark_off_window() noexcept {
  const OffWindow::Kind kind =
      what_ == Switched::kLaunchDetail ? OffWindow::kLaunchDetail : OffWindow::kRecording;
  writer_.push(OffWindow{off_since_ns_, cupti_now(), kind});
  ++off_windows_;
}

void CaptureWindows::tick(Clock::time_point now) noexcept {
  if (now < next_switch_) return;
  const auto started = Clock::now();
  if (on_) {
    switch_to(false);
    off_since_ns_ = cupti_now();  // after the switch: the off window holds no captured work
  } else {
    mark_off_window();
    switch_to(true);
  }
  on_ = !on_;
  const double took_ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
  if (took_ms > slowest_switch_ms_) slowest_switch_ms_ = took_ms;
  next_switch_ = Clock::now() + (on_ ? schedule_.on : schedule_.off);
}

void CaptureWindows::finish() noexcept {
  try {
    if (!on_) mark_off_window();
    if (what_ == Switched::kLaunchDetail) return;
    log_line(
        fmt::format("--measure-overhead: {} paused windows of {} ms; the slowest switch "
                    "took {:.1f} ms",
                    off_windows_, schedule_.on.count(), slowest_switch_ms_));
  } catch (...) {
  }
}

}  // namespace perfadvise::collector
