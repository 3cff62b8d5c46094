// Watches the launched command's process tree through /proc: which descendants mapped the CUDA
// driver (libcuda.so) and whether the collector was mapped beside it. CUDA runs a program
// untraced, without a word, when the injected library cannot be loaded; this is how the
// launcher notices.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "collector/launcher/launcher.h"

namespace perfadvise::launcher {

class ProcessScanner {
 public:
  explicit ProcessScanner(pid_t root, std::string proc_root = "/proc")
      : root_(root), proc_root_(std::move(proc_root)) {}

  /// One pass over /proc: finds descendants of the root and reads the maps of those not yet
  /// known to have loaded CUDA.
  void scan();
  /// Processes that loaded CUDA, by pid.
  std::vector<TracedProcess> cuda_processes() const;

 private:
  pid_t root_;
  std::string proc_root_;
  std::map<pid_t, TracedProcess> seen_;
};

/// Reads "<proc_root>/<pid>/stat" and returns the parent pid, or -1.
pid_t parent_of(const std::string& proc_root, pid_t pid);

}  // namespace perfadvise::launcher
