// What the gate compares: per-step samples of each timing metric, per-step summaries of the
// exact counts, where the host synchronized, and which findings fired. Built from an Analysis
// (a profile or run directory) or read from a baseline file; both sides of a comparison are the
// same type, so the comparison does not care where they came from.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "analyzer/analysis.h"

namespace perfadvise::gate {

/// A per-step count over the measured steps (summed over processes).
struct CountSummary {
  double median = 0;
  double mean = 0;
  double min = 0;
  double max = 0;
  bool constant() const { return min == max; }
};

/// A place where the host blocked on the GPU inside steps, with how often per step.
struct SyncSite {
  std::string location;  // "loss.py:28", or "" when no Python frame was recorded
  std::string function;
  std::string op;    // framework op, e.g. "aten::nonzero"
  std::string api;   // the blocking call, e.g. "cudaStreamSynchronize"
  std::string kind;  // "stream", "device", "event", "memcpy"
  double per_step = 0;
  /// Identity across runs: the same line making the same blocking call.
  std::string key() const { return location + "|" + api; }
  /// "loss.py:28 masked_loss (aten::nonzero -> cudaStreamSynchronize)".
  std::string describe() const;
};

/// A finding reduced to what identifies it across runs.
struct FindingKey {
  std::string rule_id;
  std::string location;  // "file:line" of its first location, "" when it has none
  std::string title;     // for the report only; not part of the identity
  std::string key() const { return location.empty() ? rule_id : rule_id + "@" + location; }
};

struct GateInput {
  std::string source;  // the path the user gave
  /// What the numbers depend on: "gpu", "driver", "cupti", and framework versions when known.
  std::map<std::string, std::string> environment;
  uint32_t processes = 0;
  size_t steps = 0;  // measured steps, all processes together
  std::string step_method;
  std::map<std::string, std::vector<double>> timings;  // metric -> per-step samples, ms
  std::map<std::string, CountSummary> counts;          // metric -> per-step summary
  std::vector<SyncSite> sync_sites;                    // most frequent first
  std::vector<FindingKey> findings;
};

/// Reduces an analysis to the gate's input. Timing samples of all processes are pooled (ranks
/// of a data-parallel job run the same step); counts are summed over processes.
GateInput gate_input_from_analysis(const Analysis& analysis, const std::string& source);

/// The environment of a profile: GPU name, driver, CUPTI, and every "*version*" key the
/// collector recorded (framework, CUDA runtime), except perfadvise's own version.
std::map<std::string, std::string> environment_of(const Profile& profile);

}  // namespace perfadvise::gate
