// perfadvise analyze PATH... [--format F] [--steps REGEX] [--min-saving MS]: load every profile
// (a file, or every process of a run directory), analyze, and write the report.
#include <unistd.h>

#include <iostream>

#include "cli/analysis_input.h"
#include "cli/verbs.h"
#include "reports/reporter.h"

namespace perfadvise::cli {

void register_analyze(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand("analyze", "Find what slows the GPU program down, per step");
  static AnalysisInput input;
  static std::string format = "text";
  input.add_to(*cmd);
  cmd->add_option("--format", format, "Output format")
      ->check(CLI::IsMember({"text", "json", "markdown", "sarif"}));
  cmd->callback([&action] {
    action = [] {
      const LoadedAnalysis loaded = input.load_and_analyze();
      auto reporter = unwrap(make_reporter(format));
      ReportOptions report;
      report.color = format == "text" && isatty(STDOUT_FILENO);
      report.input_path = loaded.input;
      unwrap(reporter->write(loaded.analysis, report, std::cout));
      std::cout.flush();
      return kExitOk;
    };
  });
}

}  // namespace perfadvise::cli
