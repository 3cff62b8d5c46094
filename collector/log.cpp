#include "collector/log.h"

#include <unistd.h>

#include <string>

namespace perfadvise::collector {

void log_line(std::string_view message) noexcept {
  try {
    std::string line = "perfadvise collector [pid " + std::to_string(getpid()) + "]: ";
    line.append(message);
    line.push_back('\n');
    // One write() so lines from several processes do not interleave mid-line.
    ssize_t ignored = write(STDERR_FILENO, line.data(), line.size());
    (void)ignored;
  } catch (...) {
  }
}

}  // namespace perfadvise::collector
