// Per-process tables of the HTML report, as JSON rows for the page's script.
#pragma once

#include <nlohmann/json.hpp>

#include "analyzer/analysis.h"

namespace perfadvise {

/// Median per-step split of the step: GPU busy by category, idle by kind.
nlohmann::json breakdown_json(const ProcessAnalysis& process);
/// Kernels by name, most total time first: [name, calls, total_ms, mean_ms, min_ms, max_ms,
/// grid, block, registers, calls_per_step].
nlohmann::json kernel_table_json(const ProcessAnalysis& process, size_t max_rows);
/// Host syncs by Python line: [where, function, op, api, count, total_ms, per_step, ms_per_step].
nlohmann::json sync_table_json(const ProcessAnalysis& process, size_t max_rows);

}  // namespace perfadvise
