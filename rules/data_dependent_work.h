// The GPU work a data-dependent-shape op (nonzero, unique, boolean-mask indexing, index
// assignment with nonzero indices) adds beside its sync: the count before the read-back, the
// compaction after it, the sort of indices and the gather/scatter kernels that use them, also in
// the backward pass. Its fix (torch.where, ignore_index, a mask multiply) has a static shape and
// launches none of them, so SYNC-D2H counts them in the saving, next to the GPU idle after the
// sync. Attribution method (the profile has call sites only at syncs, not at launches):
//  - per host thread, kernels in launch order are cut into runs at "model compute" kernels
//    (GEMM, convolution, attention, softmax, norm, optimizer, NCCL, Triton): an op's kernels
//    never straddle those;
//  - in a run that holds a claiming sync, the kernels from its first to its last sort/select or
//    index/gather/scatter kernel (taxonomy) are the pattern's work, glue between them included
//    (index arithmetic, masks), each given to the nearest claiming sync on that thread.
#pragma once

#include <cstdint>
#include <vector>

#include "analyzer/rule_context.h"

namespace perfadvise {

struct WorkClaim {
  uint32_t block = 0;  // host_blocks index
  // The trigger was not identified: claim only if the op goes on after the read-back (the next
  // kernel launched on the thread is a sort/select or index kernel: a compaction).
  bool needs_compaction_after = false;
  // The fix sorts as well (torch.unique -> sort + count): radix sorts given to this claim are
  // not counted.
  bool fix_keeps_sort = false;
};

/// GPU ns attributed to each claim (same order as `claims`).
std::vector<TimeNs> data_dependent_work(const RuleContext& c, const std::vector<WorkClaim>& claims);

}  // namespace perfadvise
