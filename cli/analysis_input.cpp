#include "cli/analysis_input.h"

#include "cli/verbs.h"
#include "profile/reader.h"

namespace perfadvise::cli {

void AnalysisInput::add_to(CLI::App& cmd) {
  cmd.add_option("PATH", paths, "Profiles (.sqlite) or run directories")->required();
  cmd.add_option("--steps", options.steps_regex,
                 "Regex for the NVTX ranges that are steps (default: ProfilerStep#N, then a "
                 "numbered range family, then the period of the kernel sequence)");
  cmd.add_option("--min-saving", options.min_saving_ms,
                 "Hide findings whose estimated saving is below MS milliseconds per step")
      ->check(CLI::NonNegativeNumber);
}

LoadedAnalysis AnalysisInput::load_and_analyze() const {
  LoadedAnalysis out;
  for (const std::string& path : paths) {
    for (Profile& p : unwrap(load_profiles(path)))
      out.profiles.push_back(std::move(p));
    out.input += (out.input.empty() ? "" : " ") + path;
  }
  out.analysis = unwrap(analyze(out.profiles, options));
  return out;
}

}  // namespace perfadvise::cli
