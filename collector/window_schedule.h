// When a capture is on and when it is off: on for a first window, then off and on in turn.
// Two captures switch this way: all recording under `perfadvise run --measure-overhead` (equal
// windows, PERFADVISE_OVERHEAD_WINDOW_MS), and the per-launch detail — launch API records, GEMM
// shapes, sampled kernel lines — which costs about 1 us per launch and is sampled by default
// (PERFADVISE_LAUNCH_DETAIL, docs/collector.md). Parsing only: capture_windows.h switches.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace perfadvise::collector {

struct WindowSchedule {
  std::chrono::milliseconds first_on{0};  // on from the start for this long
  std::chrono::milliseconds off{0};       // then off for this long,
  std::chrono::milliseconds on{0};        // and on for this long, in turn
};

/// Launch detail by default: every launch for the first 10 s of the process's CUDA life (short
/// runs and warm-up keep everything), then 1 s in every 5 s.
inline constexpr WindowSchedule kDefaultLaunchDetail{std::chrono::milliseconds(10000),
                                                     std::chrono::milliseconds(4000),
                                                     std::chrono::milliseconds(1000)};

/// `--measure-overhead`'s windows: PERFADVISE_OVERHEAD_WINDOW_MS, a positive number of ms.
std::optional<WindowSchedule> overhead_schedule(const char* window_ms);

/// The launch-detail windows: nullopt for "all" (every launch). Unset or "sampled" gives the
/// default, which "FIRST_ON,OFF,ON" (ms, e.g. "0,4000,1000") in `windows_ms` replaces.
std::optional<WindowSchedule> launch_detail_schedule(const char* mode, const char* windows_ms);

/// "first 10000 ms, then 1000 ms in every 5000 ms": for the profile's meta and the logs.
std::string describe(const WindowSchedule& schedule);

}  // namespace perfadvise::collector
