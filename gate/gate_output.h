// Writes the gate's output files and appends the summary to the CI's step summary.
#pragma once

#include <string>

#include "gate/gate.h"
#include "profile/result.h"

namespace perfadvise::gate {

struct GateOutputs {
  std::string junit;         // --junit FILE
  std::string json;          // --json FILE
  std::string markdown;      // --markdown FILE
  std::string step_summary;  // $GITHUB_STEP_SUMMARY: appended to, not replaced
};

/// Writes every output that has a path; errors name the file.
Result<void> write_gate_outputs(const GateResult& result, const GateOutputs& outputs);

}  // namespace perfadvise::gate
