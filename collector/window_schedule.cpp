#include "collector/window_schedule.h"

#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

namespace perfadvise::collector {
namespace {

// A whole number of milliseconds ending at `*end`; false for anything else.
bool parse_ms(const char* text, char** end, long min, std::chrono::milliseconds& out) {
  const long value = std::strtol(text, end, 10);
  if (*end == text || value < min || value > 24L * 3600 * 1000) return false;
  out = std::chrono::milliseconds(value);
  return true;
}

}  // namespace

std::optional<WindowSchedule> overhead_schedule(const char* window_ms) {
  if (window_ms == nullptr || *window_ms == '\0') return std::nullopt;
  std::chrono::milliseconds window{0};
  char* end = nullptr;
  if (!parse_ms(window_ms, &end, 1, window) || *end != '\0') return std::nullopt;
  return WindowSchedule{window, window, window};
}

std::optional<WindowSchedule> launch_detail_schedule(const char* mode, const char* windows_ms) {
  if (mode != nullptr && std::strcmp(mode, "all") == 0) return std::nullopt;
  if (windows_ms == nullptr || *windows_ms == '\0') return kDefaultLaunchDetail;
  WindowSchedule s;
  char* end = nullptr;
  const bool ok = parse_ms(windows_ms, &end, 0, s.first_on) && *end == ',' &&
                  parse_ms(end + 1, &end, 1, s.off) && *end == ',' &&
                  parse_ms(end + 1, &end, 1, s.on) && *end == '\0';
  return ok ? s : kDefaultLaunchDetail;
}

std::string describe(const WindowSchedule& s) {
  return fmt::format("first {} ms, then {} ms in every {} ms", s.first_on.count(), s.on.count(),
                     s.on.count() + s.off.count());
}

}  // namespace perfadvise::collector
