#include "gate/gate_source.h"

#include <filesystem>

#include "analyzer/analyzer.h"
#include "gate/baseline_file.h"
#include "profile/reader.h"

namespace perfadvise::gate {

bool is_baseline_path(const std::string& path) {
  return std::filesystem::path(path).extension() == ".json" && !std::filesystem::is_directory(path);
}

Result<GateInput> load_gate_input(const std::string& path, const AnalysisOptions& options) {
  if (is_baseline_path(path)) return read_baseline(path);
  PA_ASSIGN_OR_RETURN(std::vector<Profile> profiles, load_profiles(path));
  auto analysis = analyze(profiles, options);
  if (!analysis.ok()) return make_error("{}: {}", path, analysis.error().message);
  // The analysis points into `profiles`: reduce it before they go away.
  GateInput input = gate_input_from_analysis(*analysis, path);
  if (input.steps == 0) return make_error("{}: no measured steps to compare", path);
  return input;
}

}  // namespace perfadvise::gate
