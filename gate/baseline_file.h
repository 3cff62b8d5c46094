// The baseline file: a GateInput as small, human-diffable JSON, meant to be committed (or
// cached) and reviewed like code. docs/gate.md documents the format.
#pragma once

#include <string>

#include "gate/gate_input.h"
#include "profile/result.h"

namespace perfadvise::gate {

inline constexpr const char* kBaselineFormat = "perfadvise-gate-baseline";
inline constexpr int kBaselineVersion = 1;

/// The file's text: one line per timing metric, samples rounded to 0.001 ms.
std::string baseline_json(const GateInput& input);

/// Writes through a temporary file and a rename, so a failed write never leaves half a file.
Result<void> write_baseline(const GateInput& input, const std::string& path);

/// Parses a baseline; `path` names the file in errors ("<path>: <problem>").
Result<GateInput> parse_baseline(const std::string& text, const std::string& path);

Result<GateInput> read_baseline(const std::string& path);

}  // namespace perfadvise::gate
