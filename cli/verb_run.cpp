// perfadvise run [-o DIR] [--steps REGEX] -- CMD ARGS...: runs CMD with the collector injected
// and returns CMD's exit code. Everything perfadvise says goes to stderr, so the program's
// stdout stays exactly what it would be.
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <regex>

#include <fmt/format.h>

#include "analyzer/analyzer.h"
#include "cli/verbs.h"
#include "collector/launcher/launcher.h"
#include "collector/launcher/run_report.h"
#include "profile/reader.h"
#include "reports/reporter.h"

namespace perfadvise::cli {
namespace {

/// After the command: the handshake verdict, then what each profile holds.
void report_recorded(const launcher::RunResult& result) {
  const auto markers = launcher::read_markers(result.output_dir);
  for (const std::string& warning : launcher::handshake_warnings(result, markers)) {
    fmt::print(stderr, "perfadvise: WARNING: {}\n", warning);
  }
  auto summary = launcher::recorded_summary(result.output_dir);
  if (summary.ok()) {
    fmt::print(stderr, "{}", summary.value());
  } else {
    fmt::print(stderr, "perfadvise: WARNING: {}\n", summary.error().message);
  }
}

Result<void> write_report(const Analysis& analysis, const std::string& format,
                          const std::string& path) {
  PA_ASSIGN_OR_RETURN(auto reporter, make_reporter(format));
  std::ofstream out(path, std::ios::binary);
  if (!out) return make_error("{}: cannot write", path);
  ReportOptions options;
  options.input_path = path;
  return reporter->write(analysis, options, out);
}

/// The top findings on stderr, and the HTML report and Perfetto trace in the run directory.
/// Problems here are warnings: the program has run and its exit code is what counts.
void advise(const std::string& run_dir, const std::string& steps_regex) {
  auto profiles = load_profiles(run_dir);
  if (!profiles.ok()) return;  // no CUDA process: report_recorded() already said so
  AnalysisOptions analysis_options;
  analysis_options.steps_regex = steps_regex;
  auto analysis = analyze(*profiles, analysis_options);
  if (!analysis.ok()) {
    fmt::print(stderr, "perfadvise: WARNING: {}\n", analysis.error().message);
    return;
  }
  if (auto text = make_reporter("text"); text.ok()) {
    ReportOptions options;
    options.color = isatty(STDERR_FILENO) != 0;
    options.max_findings = 3;
    options.input_path = run_dir;
    (void)(*text)->write(*analysis, options, std::cerr);
  }
  for (const auto& [format, name] : {std::pair<std::string, std::string>{"html", "report.html"},
                                     {"perfetto", "trace.pftrace"}}) {
    const std::string path = run_dir + "/" + name;
    if (auto written = write_report(*analysis, format, path); written.ok()) {
      fmt::print(stderr, "perfadvise: {}: {}\n", format == "html" ? "report" : "trace", path);
    } else {
      fmt::print(stderr, "perfadvise: WARNING: {}\n", written.error().message);
    }
  }
}

/// Said before the program starts: pausing all recording switches CUPTI's activity kinds off and
/// on inside the running program (docs/collector.md, "Known limits").
constexpr const char* kPauseHazard =
    "--measure-overhead switches CUPTI's recording off and on inside the running program; with "
    "CUPTI 13.0 that has left launches without correlation ids and crashed programs (exit 139): "
    "use it on a trial run. --overhead-of gemm-shapes|kernel-lines does not switch CUPTI";

int run(launcher::RunOptions options) {
  if (options.command.empty())
    throw UsageError("run: no command given (perfadvise run -- CMD ...)");
  if (options.overhead_window_ms > 0 && options.overhead_of == "recording") {
    fmt::print(stderr, "perfadvise: WARNING: {}\n", kPauseHazard);
  }
  if (!options.steps_regex.empty()) {
    try {
      std::regex check(options.steps_regex);
    } catch (const std::regex_error& e) {
      throw UsageError(
          fmt::format("--steps {}: not a valid regex ({})", options.steps_regex, e.what()));
    }
  }
  options.collector_path = unwrap(launcher::find_collector("/proc/self/exe"));
  const std::string run_dir = unwrap(launcher::prepare_run_dir(options));
  const launcher::RunResult result = unwrap(launcher::run_command(options, run_dir));
  if (auto finished = launcher::finish_run_json(run_dir, result); !finished.ok()) {
    fmt::print(stderr, "perfadvise: WARNING: {}\n", finished.error().message);
  }
  if (result.exec_failed) return result.exit_code;
  report_recorded(result);
  advise(run_dir, options.steps_regex);
  return result.exit_code;
}

}  // namespace

void register_run(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand(
      "run", "Run a CUDA program with the collector injected: one profile per CUDA process");
  static launcher::RunOptions options;
  cmd->add_option("-o,--output", options.output_dir,
                  "Run directory (default: perfadvise-<timestamp>)");
  cmd->add_option("--steps", options.steps_regex,
                  "Regex matching the NVTX range that marks one training step");
  static bool measure_overhead = false;
  cmd->add_flag("--measure-overhead", measure_overhead,
                "Switch recording off in every other window and report what recording costs "
                "per step (needs NVTX step ranges)");
  static int overhead_window_ms = 1000;
  cmd->add_option("--overhead-window", overhead_window_ms,
                  "Window length in ms for --measure-overhead (default 1000)")
      ->check(CLI::Range(50, 600000));
  cmd->add_option("--overhead-of", options.overhead_of,
                  "What --measure-overhead switches off: recording (everything, default), "
                  "gemm-shapes or kernel-lines (that capture alone, the rest recorded)")
      ->check(CLI::IsMember({"recording", "gemm-shapes", "kernel-lines"}));
  static bool no_gemm_shapes = false, torch_ops = false, torch_op_shapes = false;
  cmd->add_flag("--no-gemm-shapes", no_gemm_shapes,
                "Do not record cuBLAS/cuBLASLt GEMM arguments (recorded by default through "
                "LD_PRELOAD of libperfadvise_gemm.so)");
  cmd->add_flag("--torch-ops", torch_ops,
                "PyTorch programs: switch on torch's NVTX op ranges (emit_nvtx) so every kernel "
                "is attributed to its aten op");
  cmd->add_flag("--torch-op-shapes", torch_op_shapes,
                "As --torch-ops, with input sizes in each op range (record_shapes=True)");
  cmd->add_option("--kernel-lines", options.kernel_lines,
                  "Record the Python stack of one kernel launch in N per thread (0: off)")
      ->check(CLI::Range(0, 1 << 20));
  cmd->add_option("--launch-detail", options.launch_detail,
                  "sampled (default): launch API records, GEMM shapes and kernel lines for the "
                  "first 10 s, then 1 s in every 5 s, about 1 us less per launch; all: every "
                  "launch")
      ->check(CLI::IsMember({"sampled", "all"}));
  cmd->add_option("COMMAND", options.command, "The program and its arguments, after --")
      ->required();
  cmd->callback([&action] {
    if (options.overhead_of != "recording" && !measure_overhead) {
      throw CLI::ValidationError("--overhead-of", "needs --measure-overhead");
    }
    if (options.overhead_of == "gemm-shapes" && no_gemm_shapes) {
      throw CLI::ValidationError("--overhead-of gemm-shapes", "conflicts with --no-gemm-shapes");
    }
    if (options.overhead_of == "kernel-lines" && options.kernel_lines == 0) {
      throw CLI::ValidationError("--overhead-of kernel-lines", "needs --kernel-lines N");
    }
    // Measuring one capture alone needs it on throughout, not only in the sampled windows.
    if (options.overhead_of != "recording") options.launch_detail = "all";
    options.overhead_window_ms = measure_overhead ? overhead_window_ms : 0;
    options.gemm_shapes = !no_gemm_shapes;
    options.torch_ops = torch_op_shapes ? "shapes" : torch_ops ? "names" : "";
    action = [] { return run(options); };
  });
}

}  // namespace perfadvise::cli
