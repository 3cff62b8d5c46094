// perfadvise analyze PATH... [--format F] [--steps REGEX] [--min-saving MS]: load every profile
// (a file, or every process of a run directory), analyze, and write the report.
#include <unistd.h>

#include <iostream>

#include "analyzer/analyzer.h"
#include "cli/verbs.h"
#include "profile/reader.h"
#include "reports/reporter.h"

namespace perfadvise::cli {

void register_analyze(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand("analyze", "Find what slows the GPU program down, per step");
  static std::vector<std::string> paths;
  static std::string format = "text";
  static AnalysisOptions options;
  cmd->add_option("PATH", paths, "Profiles (.sqlite) or run directories")->required();
  cmd->add_option("--format", format, "Output format")
      ->check(CLI::IsMember({"text", "json", "markdown", "sarif"}));
  cmd->add_option("--steps", options.steps_regex,
                  "Regex for the NVTX ranges that are steps (default: ProfilerStep#N, else the "
                  "period of the kernel sequence)");
  cmd->add_option("--min-saving", options.min_saving_ms,
                  "Hide findings whose estimated saving is below MS milliseconds per step")
      ->check(CLI::NonNegativeNumber);
  cmd->callback([&action] {
    action = [] {
      std::vector<Profile> profiles;
      std::string joined;
      for (const std::string& path : paths) {
        for (Profile& p : unwrap(load_profiles(path)))
          profiles.push_back(std::move(p));
        joined += (joined.empty() ? "" : " ") + path;
      }
      const Analysis analysis = unwrap(analyze(profiles, options));
      auto reporter = unwrap(make_reporter(format));
      ReportOptions report;
      report.color = format == "text" && isatty(STDOUT_FILENO);
      report.input_path = joined;
      unwrap(reporter->write(analysis, report, std::cout));
      std::cout.flush();
      return kExitOk;
    };
  });
}

}  // namespace perfadvise::cli
