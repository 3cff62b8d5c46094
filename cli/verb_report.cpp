// perfadvise report PATH... -o report.html: analyze the profiles and write the self-contained
// HTML report (verdict, findings, breakdown, tables, timeline).
#include <unistd.h>

#include <fstream>

#include <fmt/format.h>

#include "analyzer/analyzer.h"
#include "cli/verbs.h"
#include "profile/reader.h"
#include "reports/reporter.h"

namespace perfadvise::cli {

void register_report(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand("report", "Write the HTML report: one file that opens offline");
  static std::vector<std::string> paths;
  static std::string output = "report.html";
  static AnalysisOptions options;
  cmd->add_option("PATH", paths, "Profiles (.sqlite) or run directories")->required();
  cmd->add_option("-o,--output", output, "The HTML file to write (default: report.html)");
  cmd->add_option("--steps", options.steps_regex, "Regex for the NVTX ranges that are steps");
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
      auto reporter = unwrap(make_reporter("html"));
      std::ofstream out(output, std::ios::binary);
      if (!out) throw UsageError(fmt::format("{}: cannot write the report", output));
      ReportOptions report;
      report.input_path = joined;
      unwrap(reporter->write(analysis, report, out));
      out.close();
      if (!out) throw UsageError(fmt::format("{}: could not finish writing the report", output));
      fmt::print("report: {}\n", output);
      return kExitOk;
    };
  });
}

}  // namespace perfadvise::cli
