// perfadvise report PATH... -o report.html: analyze the profiles and write the self-contained
// HTML report (verdict, findings, breakdown, tables, timeline).
#include <unistd.h>

#include <fstream>

#include <fmt/format.h>

#include "cli/analysis_input.h"
#include "cli/verbs.h"
#include "reports/reporter.h"

namespace perfadvise::cli {

void register_report(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand("report", "Write the HTML report: one file that opens offline");
  static AnalysisInput input;
  static std::string output = "report.html";
  input.add_to(*cmd);
  cmd->add_option("-o,--output", output, "The HTML file to write (default: report.html)");
  cmd->callback([&action] {
    action = [] {
      const LoadedAnalysis loaded = input.load_and_analyze();
      auto reporter = unwrap(make_reporter("html"));
      std::ofstream out(output, std::ios::binary);
      if (!out) throw UsageError(fmt::format("{}: cannot write the report", output));
      ReportOptions report;
      report.input_path = loaded.input;
      unwrap(reporter->write(loaded.analysis, report, out));
      out.close();
      if (!out) throw UsageError(fmt::format("{}: could not finish writing the report", output));
      fmt::print("report: {}\n", output);
      return kExitOk;
    };
  });
}

}  // namespace perfadvise::cli
