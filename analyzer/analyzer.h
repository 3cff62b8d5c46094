// The analyzer's public entry point: profiles in, steps + per-step metrics + findings out.
#pragma once

#include <vector>

#include "analyzer/analysis.h"
#include "profile/result.h"

namespace perfadvise {

/// Analyzes each profile (one per process) and runs every rule of the catalogue. The returned
/// Analysis points into `profiles`, which must outlive it. Fails only on invalid options.
Result<Analysis> analyze(const std::vector<Profile>& profiles, const AnalysisOptions& options);

}  // namespace perfadvise
