#include "cli/analysis_input.h"

#include <chrono>
#include <string_view>

#include <fmt/format.h>

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
  cmd.add_flag("--timings", timings,
               "Print how long loading and each analysis phase (every rule included) took, on "
               "stderr");
}

namespace {

void print_timing(std::string_view what, double ms) {
  fmt::print(stderr, "perfadvise: timing: {:<28} {:10.1f} ms\n", what, ms);
}

double ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

}  // namespace

LoadedAnalysis AnalysisInput::load_and_analyze() const {
  LoadedAnalysis out;
  for (const std::string& path : paths) {
    const auto start = std::chrono::steady_clock::now();
    for (Profile& p : unwrap(load_profiles(path)))
      out.profiles.push_back(std::move(p));
    if (timings) print_timing("load " + path, ms_since(start));
    out.input += (out.input.empty() ? "" : " ") + path;
  }
  AnalysisOptions analysis_options = options;
  if (timings) analysis_options.on_phase = print_timing;
  const auto start = std::chrono::steady_clock::now();
  out.analysis = unwrap(analyze(out.profiles, analysis_options));
  if (timings) print_timing("analysis", ms_since(start));
  return out;
}

}  // namespace perfadvise::cli
