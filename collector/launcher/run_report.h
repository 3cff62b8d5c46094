// What `perfadvise run` says after the command finished: did the collector start in every CUDA
// process (the handshake), and what each profile holds.
#pragma once

#include <string>
#include <vector>

#include "collector/launcher/launcher.h"
#include "profile/result.h"

namespace perfadvise::launcher {

/// One collector's start marker ("<profile>.started", written by InitializeInjection).
struct StartMarker {
  int pid = 0;
  std::string profile;
  std::string status;  // started (never closed: killed), closed, failed, "blocked by <tool>"
};

/// Markers found in the run directory, sorted by pid.
std::vector<StartMarker> read_markers(const std::string& run_dir);

/// Loud warnings: CUDA processes the collector did not start in, collectors that were blocked
/// or failed, profiles that were never closed. Empty when everything was traced.
std::vector<std::string> handshake_warnings(const RunResult& result,
                                            const std::vector<StartMarker>& markers);

/// Per profile: kernels, copies, syncs, dropped records, path. An error names a profile that
/// cannot be read.
Result<std::string> recorded_summary(const std::string& run_dir);

}  // namespace perfadvise::launcher
