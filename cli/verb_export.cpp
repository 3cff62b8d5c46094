// perfadvise export PATH... --perfetto trace.pftrace [--chrome trace.json]: the timeline with
// findings as a trace for ui.perfetto.dev (protobuf TrackEvent) or older viewers (Chrome JSON).
// Works on profiles without findings too.
#include <unistd.h>

#include <fstream>

#include <fmt/format.h>

#include "cli/analysis_input.h"
#include "cli/verbs.h"
#include "reports/reporter.h"

namespace perfadvise::cli {
namespace {

void write_trace(const Analysis& analysis, const std::string& format, const std::string& path,
                 const std::string& input) {
  auto reporter = unwrap(make_reporter(format));
  std::ofstream out(path, std::ios::binary);
  if (!out) throw UsageError(fmt::format("{}: cannot write the trace", path));
  Progress progress(fmt::format("writing {}", path), stderr, isatty(STDERR_FILENO));
  ReportOptions options;
  options.input_path = input;
  options.progress = &progress;
  unwrap(reporter->write(analysis, options, out));
  out.close();
  progress.finish();
  if (!out) throw UsageError(fmt::format("{}: could not finish writing the trace", path));
  fmt::print("{}: {}\n", format, path);
}

}  // namespace

void register_export(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand("export", "Export the timeline as a Perfetto or Chrome trace");
  static AnalysisInput input;
  static std::string perfetto, chrome;
  input.add_to(*cmd);
  cmd->add_option("--perfetto", perfetto, "Write a Perfetto protobuf trace (.pftrace)");
  cmd->add_option("--chrome", chrome, "Write a Chrome trace-event JSON file (older viewers)");
  cmd->callback([&action] {
    action = [] {
      if (perfetto.empty() && chrome.empty()) {
        throw UsageError("export: name an output with --perfetto FILE or --chrome FILE");
      }
      const LoadedAnalysis loaded = input.load_and_analyze();
      if (!perfetto.empty()) write_trace(loaded.analysis, "perfetto", perfetto, loaded.input);
      if (!chrome.empty()) write_trace(loaded.analysis, "chrome", chrome, loaded.input);
      return kExitOk;
    };
  });
}

}  // namespace perfadvise::cli
