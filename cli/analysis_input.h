// What every verb that analyzes takes (analyze, report, export): PATH... (profiles or run
// directories) with --steps and --min-saving, loaded and analyzed the same way for all of them.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "analyzer/analyzer.h"

namespace perfadvise::cli {

/// The loaded profiles and their analysis. The analysis points into `profiles`, whose heap
/// buffer a move keeps: move a LoadedAnalysis, never copy it.
struct LoadedAnalysis {
  std::vector<Profile> profiles;
  Analysis analysis;
  std::string input;  // the paths as given, for report headers
};

struct AnalysisInput {
  std::vector<std::string> paths;
  AnalysisOptions options;
  bool timings = false;  // --timings: how long loading and each analysis phase took, on stderr

  /// Registers PATH..., --steps, --min-saving and --timings on `cmd`.
  void add_to(CLI::App& cmd);
  /// Loads every profile of every path and analyzes them; bad input throws UsageError.
  LoadedAnalysis load_and_analyze() const;
};

}  // namespace perfadvise::cli
