// What the analyzer produces: steps, per-step metrics and findings for each process of a run.
// This is the contract between the analyzer (producer) and the reporters and the gate
// (consumers); docs/json-output.md documents its JSON form.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "profile/profile.h"

namespace perfadvise {

/// One iteration of the user's loop (a training step, a decoded token, an inference batch).
struct Step {
  TimeNs start = 0;
  TimeNs end = 0;
  std::string name;  // e.g. "ProfilerStep#12", or "step 12" when detected from periodicity
};

enum class StepMethod {
  kNvtx,      // NVTX ranges matched a regex (the user's, or PyTorch's ProfilerStep#N)
  kPeriodic,  // the kernel launch sequence repeats with a period
  kWindow,    // one steady-state window after warm-up
};

struct StepDetection {
  StepMethod method = StepMethod::kWindow;
  std::string description;   // how they were found, for the report ("NVTX 'train_step'")
  std::vector<Step> warmup;  // reported apart, excluded from every metric
  std::vector<Step> steps;   // the measured steps
};

/// Where the GPU's time and idleness go during one step, and what the host asked of it.
struct StepMetrics {
  double wall_ms = 0;
  double gpu_busy_ms = 0;  // union of kernel/copy/memset intervals on any stream
  // Idle time split the Holistic Trace Analysis way.
  double idle_host_wait_ms = 0;   // GPU idle while the host is blocked in a sync
  double idle_launch_gap_ms = 0;  // GPU idle between back-to-back launches (launch-bound)
  double idle_other_ms = 0;       // everything else (data loading, Python, ...)
  std::map<std::string, double> category_ms;  // kernel taxonomy category -> GPU ms
  uint64_t kernel_launches = 0;
  uint64_t graph_launches = 0;
  uint64_t allocations = 0;                       // cudaMalloc/cudaFree-family calls
  std::map<std::string, uint64_t> syncs_by_kind;  // "stream", "device", "event", "memcpy", ...
  std::map<std::string, uint64_t> copies_by_direction;  // "HtoD", "DtoH", "DtoD", ...
  std::map<std::string, uint64_t> bytes_by_direction;
  uint64_t pageable_copies = 0;
  // Added by the analyzer (issue 4); consumers may ignore them.
  uint64_t kernels = 0;           // kernel executions that started in the step
  double host_blocked_ms = 0;     // host time blocked in syncs and blocking copies
  double idle_step_start_ms = 0;  // GPU idle from the step's start to its first GPU op
  std::map<std::string, uint64_t> copies_by_memory;  // "DtoH pageable", "HtoD pinned", ...
  std::map<std::string, uint64_t> bytes_by_memory;

  double gpu_busy_share() const { return wall_ms > 0 ? gpu_busy_ms / wall_ms : 0; }
};

/// A distribution over steps, so every number comes with its spread.
struct Spread {
  double median = 0;
  double mean = 0;
  double min = 0;
  double max = 0;
  double p10 = 0;
  double p90 = 0;
};

enum class Severity { kInfo, kWarning, kCritical };
enum class Confidence { kLow, kMedium, kHigh };

/// A reference to one event of a loaded Profile (its row in the time-sorted table).
struct EventRef {
  enum class Table : uint8_t { kKernel, kMemcpy, kMemset, kSync, kApiCall, kNvtx, kCallSite };
  Table table = Table::kKernel;
  uint32_t index = 0;
};

/// A place in the user's program that a finding points at.
struct Location {
  std::string file;  // Python (or native) source file; empty when unknown
  uint32_t line = 0;
  std::string function;
  std::string op;  // framework op or CUDA call, e.g. "aten::nonzero", "cudaMemcpyAsync"
  double count_per_step = 0;
  double cost_ms_per_step = 0;
  std::vector<std::string> stack;  // "file:line function", innermost first, as evidence
  std::string code;  // the source line's text, when the file was readable at analysis time
};

struct Finding {
  std::string rule_id;  // e.g. "SYNC-D2H"
  Severity severity = Severity::kWarning;
  std::string title;     // one line, with the numbers that matter
  uint32_t process = 0;  // index into Analysis::processes
  double step_time_ms = 0;
  double cost_ms_per_step = 0;
  double estimated_saving_ms_per_step = 0;
  std::string estimate_method;  // how the saving was estimated, in words
  Confidence confidence = Confidence::kMedium;
  std::vector<Location> locations;        // most costly first
  std::string fix;                        // specific to what fired, not a generic tip
  std::vector<EventRef> evidence_events;  // a bounded sample, for the timeline and JSON
  std::map<std::string, double> evidence_counts;
  std::string doc;  // "rules/SYNC-D2H.md"
};

/// What recording cost per step, measured inside one run with `perfadvise run
/// --measure-overhead` (analyzer/recording_overhead.h).
struct RecordingOverhead {
  size_t recorded_steps = 0;  // steps wholly inside recorded windows (all metrics use these)
  size_t paused_steps = 0;    // steps wholly inside paused windows
  size_t window_pairs = 0;    // pauses with steps on both sides of their start
  Spread recorded_step_ms;
  Spread paused_step_ms;
  Spread pair_ratio;        // median recorded / median paused step, each pause against the recorded
                            // window just before it
  double ratio = 0;         // pair_ratio.median (pooled_ratio without pairs); 0 when unmeasured
  double pooled_ratio = 0;  // median of all recorded steps / median of all paused steps
  std::string note;         // why it could not be measured, when ratio is 0
  std::string of = "recording";  // what the pauses switched off: recording, gemm-shapes,
                                 // kernel-lines (`perfadvise run --overhead-of`)
};

/// Which steps the analysis read when the collector sampled the per-launch detail
/// (analyzer/launch_detail.h).
struct LaunchDetailSampling {
  std::string schedule;  // the collector's, e.g. "first 10000 ms, then 1000 ms in every 5000 ms"
  size_t steps = 0;      // measured steps found
  size_t analyzed_steps = 0;  // those wholly inside a launch-detail window (all metrics use these)
  std::string note;           // when the steps could not be narrowed to the windows
};

struct ProcessAnalysis {
  const Profile* profile = nullptr;  // owned by the caller; outlives the analysis
  StepDetection steps;
  std::optional<RecordingOverhead> recording_overhead;  // only with --measure-overhead
  std::optional<LaunchDetailSampling> launch_detail;    // only when the collector sampled it
  std::vector<std::string> warnings;  // what the profile lacks (analyzer/data_warnings.h)
  std::vector<StepMetrics> per_step;  // one entry per measured step
  std::vector<Finding> findings;      // this process's findings, by estimated saving
};

struct Analysis {
  std::vector<ProcessAnalysis> processes;
  /// All findings of all processes, ranked by estimated saving (descending).
  std::vector<Finding> ranked_findings() const;
};

struct AnalysisOptions {
  std::string steps_regex;   // empty: PyTorch's ProfilerStep#N, then periodicity, then window
  double min_saving_ms = 0;  // findings below this estimated saving per step are dropped
  // When set, told how long each phase of each process's analysis took (`--timings`): step
  // detection, the collector's windows, classification, host blocks, the GPU timeline, the
  // metrics and every rule ("rule GPU-IDLE").
  std::function<void(std::string_view phase, double ms)> on_phase;
};

}  // namespace perfadvise
