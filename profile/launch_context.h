// What launched each kernel, beyond its API call: the cuBLAS call whose arguments the GEMM
// interposer recorded, and the innermost framework op (PyTorch's emit_nvtx ranges, switched on
// by `perfadvise run --torch-ops`). Both are found the same exact way: the kernel's launch call
// (joined by correlation id) ran on a host thread at a time; the GEMM call, or the op range, on
// that thread is the one whose interval contains it.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "profile/model.h"

namespace perfadvise {

struct Profile;

/// The framework op named by an NVTX message, or "" when the range is not an op: PyTorch's
/// ranges read "aten::addmm, seq = 5, op_id = 9, sizes = [[1, 1024], [1024, 49]]" (the collector
/// keeps "aten::addmm, sizes = [...]"); the op is the text before the first ", " and must be a
/// qualified name ("aten::", "prim::", "autograd::engine::evaluate_function: ...").
std::string_view torch_op_name(std::string_view nvtx_message);
/// The "sizes = [...]" part of an op range (emit_nvtx(record_shapes=True)), or "".
std::string_view torch_op_sizes(std::string_view nvtx_message);

/// Fills p.kernel_gemm and p.kernel_op (empty when the profile has no GEMM rows / op ranges),
/// and each linked GEMM's correlation_id (its first kernel's) where the file had none.
/// Called by Profile::build_indexes() after sorting and the correlation indexes.
void link_launch_context(Profile& p);

}  // namespace perfadvise
