// One line to stderr, prefixed so users can tell the collector's words from their program's.
// Safe to call from any thread; never throws.
#pragma once

#include <string_view>

namespace perfadvise::collector {

void log_line(std::string_view message) noexcept;

}  // namespace perfadvise::collector
