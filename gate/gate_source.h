// Turns what the user passed as --baseline or --candidate into a GateInput: a baseline file
// (.json) is read; a profile or a run directory is loaded and analyzed.
#pragma once

#include <string>

#include "analyzer/analysis.h"
#include "gate/gate_input.h"
#include "profile/result.h"

namespace perfadvise::gate {

/// True when `path` names a baseline file rather than a profile or a run directory.
bool is_baseline_path(const std::string& path);

Result<GateInput> load_gate_input(const std::string& path, const AnalysisOptions& options);

}  // namespace perfadvise::gate
