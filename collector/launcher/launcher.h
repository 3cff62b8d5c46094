// `perfadvise run`'s engine, without any CUDA dependency: prepares the run directory, runs the
// user's command exactly as a shell would (same stdin/stdout/stderr, working directory and
// process group; signals sent to the launcher are forwarded; the command's exit status comes
// back) with the collector injected, and checks afterwards that every CUDA process was traced.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "profile/result.h"

namespace perfadvise::launcher {

/// Exit codes a shell would give.
inline constexpr int kExitCommandNotFound = 127;
inline constexpr int kExitCannotExecute = 126;

struct RunOptions {
  std::vector<std::string> command;  // argv of the program to run; [0] is looked up in PATH
  std::string output_dir;            // "" = perfadvise-<timestamp> in the working directory
  std::string steps_regex;           // handed to the collector and recorded in the profile
  std::string collector_path;        // libperfadvise_collector.so to inject
  int overhead_window_ms = 0;        // > 0: --measure-overhead, recording off every other window
  std::string overhead_of = "recording";  // or "gemm-shapes" / "kernel-lines": what is switched

  // Operator context (docs/collector.md, "GEMM shapes, ops and kernel lines").
  bool gemm_shapes = true;  // LD_PRELOAD libperfadvise_gemm.so (found beside the collector)
  std::string torch_ops;    // "", "names" or "shapes": PyTorch's NVTX op ranges
  int kernel_lines = 0;     // > 0: the Python stack of one kernel launch in N
  // "sampled" (default): launch API records, GEMM shapes and kernel lines for the first 10 s,
  // then 1 s in every 5 s; "all": for every launch (docs/collector.md, "Launch detail").
  std::string launch_detail = "sampled";
};

/// A process seen while the command ran.
struct TracedProcess {
  pid_t pid = 0;
  std::string name;          // /proc/<pid>/comm
  bool cuda_loaded = false;  // libcuda.so was mapped
  bool collector_loaded = false;
};

struct RunResult {
  int exit_code = 0;  // the command's, 128 + signal when a signal ended it
  bool exec_failed = false;
  std::string output_dir;
  std::vector<TracedProcess> processes;  // descendants that loaded CUDA
};

/// PERFADVISE_COLLECTOR, else libperfadvise_collector.so next to the executable or in
/// ../bin (build tree) or ../lib (installed). Errors say where it looked.
Result<std::string> find_collector(const std::string& executable_path);

/// A file shipped next to the collector (libperfadvise_gemm.so, perfadvise_python/), or an error
/// naming where it should be.
Result<std::string> find_beside_collector(const std::string& collector_path,
                                          const std::string& name);

/// "perfadvise-20261123-081500" for the given time (local time), unique in `parent`.
std::string default_run_dir(const std::string& parent, std::chrono::system_clock::time_point t);

/// Creates the run directory and writes run.json (command, host, start time).
Result<std::string> prepare_run_dir(const RunOptions& options);

/// Runs the command to completion. Errors only for launcher failures (fork, pipes); a command
/// that cannot be executed is a RunResult with exec_failed and exit code 127 or 126, after one
/// line on stderr.
Result<RunResult> run_command(const RunOptions& options, const std::string& run_dir);

/// Adds the outcome (exit code, end time, profiles) to run.json.
Result<void> finish_run_json(const std::string& run_dir, const RunResult& result);

}  // namespace perfadvise::launcher
