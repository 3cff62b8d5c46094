// The HTML report's operator-context tables: GPU time by framework op (kernels attributed to
// PyTorch's NVTX op ranges, `perfadvise run --torch-ops`) and by Python line (sampled kernel
// launches, `perfadvise run --kernel-lines N`).
#pragma once

#include <nlohmann/json.hpp>

#include "analyzer/analysis.h"

namespace perfadvise {

/// {"by_op": [[op, kernels, total_ms, ms_per_step, top_kernel, top_gemm], ...],
///  "by_line": [[where, function, sampled_launches, est_total_ms, est_ms_per_step], ...],
///  "kernels_with_op": n, "kernels_sampled": n, "kernels": n}. Measured steps only when the
/// analysis found steps, else every kernel.
nlohmann::json kernel_context_json(const ProcessAnalysis& process, size_t max_rows);

}  // namespace perfadvise
