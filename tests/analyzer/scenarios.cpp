#include "tests/analyzer/scenarios.h"

#include <string>

namespace perfadvise::testing {
namespace {

constexpr TimeNs kUs = WorkloadSim::kUs;
constexpr const char* kLossFile = "/work/toy/loss.py";
constexpr const char* kDecodeFile = "/work/toy/decode.py";
constexpr const char* kTrainFile = "/work/toy/train.py";

std::vector<PyFrame> loss_stack(uint32_t line, const char* function) {
  return {{kLossFile, function, line}, {kTrainFile, "<module>", 61}};
}

void forward(WorkloadSim& sim, int layers) {
  for (int i = 0; i < layers; ++i) {
    sim.kernel(kConvKernel, 400 * kUs);
    sim.kernel(kAddKernel, 60 * kUs);
  }
}

void backward(WorkloadSim& sim, int layers) {
  for (int i = 0; i < layers; ++i) {
    sim.kernel("sm90_xmma_dgrad_implicit_gemm_f32f32_tf32f32_f32_nhwckrsc_nhwc_kernel__5x_cudnn",
               400 * kUs);
    sim.kernel("sm90_xmma_wgrad_implicit_gemm_f32f32_tf32f32_f32_nhwckrsc_nhwc_kernel__5x_cudnn",
               300 * kUs);
    sim.kernel(kMulKernel, 40 * kUs);
  }
}

void python(WorkloadSim& sim) {
  sim.host_work(40 * kUs);
}

// The MaskedLoss of the seed: nonzero + index assignment, unique, two boolean masks.
void baseline_loss(WorkloadSim& sim) {
  sim.kernel(kAddKernel, 20 * kUs);  // target == 9
  sim.kernel(kSelectKernel, 30 * kUs);
  sim.blocking_copy(MemcpyKind::kDtoH, 8, loss_stack(28, "ignore_background"), "aten::nonzero");
  python(sim);
  sim.kernel(kIndexKernel, 25 * kUs);
  sim.blocking_copy(MemcpyKind::kDtoH, 8, loss_stack(30, "ignore_background"), "aten::index_put_");
  python(sim);
  for (int i = 0; i < 4; ++i)
    sim.kernel(kRadixSortKernel, 50 * kUs);
  sim.kernel(kSelectKernel, 30 * kUs);
  sim.blocking_copy(MemcpyKind::kDtoH, 8, loss_stack(36, "forward"), "aten::_unique2");
  python(sim);
  sim.kernel(kAddKernel, 20 * kUs);  // mask = target != ignore
  sim.kernel(
      "void at::native::elementwise_kernel<128, 4, at::native::gpu_kernel_impl_nocast<"
      "at::native::direct_copy_kernel_cuda(at::TensorIteratorBase&)::{lambda()#3}>()",
      80 * kUs);  // permute + contiguous
  sim.kernel(kSelectKernel, 30 * kUs);
  sim.blocking_copy(MemcpyKind::kDtoH, 8, loss_stack(20, "cross_entropy"), "aten::index");
  python(sim);
  sim.kernel(kIndexKernel, 60 * kUs);
  sim.kernel(kSelectKernel, 30 * kUs);
  sim.blocking_copy(MemcpyKind::kDtoH, 8, loss_stack(21, "cross_entropy"), "aten::index");
  python(sim);
  sim.kernel(kIndexKernel, 120 * kUs);
  sim.kernel(kSoftmaxKernel, 100 * kUs);
  sim.kernel(kCrossEntropyKernel, 80 * kUs);
}

// The fixed loss (torch.where, sort + count_nonzero, ignore_index), as on the recorded samples:
// no host waits, and the data-dependent kernels (select/compaction, index, the masked copy) are
// gone; the sort that replaces unique stays.
void fixed_loss(WorkloadSim& sim) {
  sim.kernel(kAddKernel, 20 * kUs);  // torch.where(target == 9, -1, target)
  python(sim);
  for (int i = 0; i < 4; ++i)
    sim.kernel(kRadixSortKernel, 50 * kUs);
  sim.kernel(kAddKernel, 10 * kUs);  // count_nonzero of the sorted differences
  python(sim);
  sim.kernel(kSoftmaxKernel, 100 * kUs);
  sim.kernel(kCrossEntropyKernel, 80 * kUs);
}

void optimizer(WorkloadSim& sim, bool fused, int params) {
  if (fused) {
    for (int i = 0; i < 3; ++i)
      sim.kernel(kMultiTensorAdam, 120 * kUs);
    return;
  }
  for (int p = 0; p < params; ++p) {
    sim.kernel(kMulKernel, 6 * kUs);
    sim.kernel(kAddKernel, 6 * kUs);
    sim.kernel(kMulKernel, 6 * kUs);
    sim.kernel(kAddKernel, 6 * kUs);
  }
}

}  // namespace

Profile masked_loss_training(const TrainingOptions& options) {
  ProfileBuilder b;
  WorkloadSim sim(b);
  constexpr int kLayers = 11;
  for (int step = 0; step < options.steps; ++step) {
    const TimeNs step_start = sim.host();
    sim.host_work(options.data_loading);
    sim.async_copy(MemcpyKind::kHtoD, 4 << 20, MemoryKind::kPinned);
    sim.async_copy(MemcpyKind::kHtoD, 1 << 20, MemoryKind::kPinned);
    forward(sim, kLayers);
    options.fixed ? fixed_loss(sim) : baseline_loss(sim);
    backward(sim, kLayers);
    optimizer(sim, options.fused_optimizer, 3 * kLayers);  // weights, biases, norms
    if (options.nvtx) sim.nvtx("ProfilerStep#" + std::to_string(step), step_start, sim.host());
  }
  return b.build();
}

Profile eager_decode(const DecodeOptions& options) {
  ProfileBuilder b;
  WorkloadSim sim(b);
  sim.launch_cost = 15 * kUs;
  const std::vector<PyFrame> pos_stack{{kDecodeFile, "decode_one", 31}, {kDecodeFile, "main", 70}};
  const std::vector<PyFrame> item_stack{{kDecodeFile, "decode_one", 44}, {kDecodeFile, "main", 70}};
  for (int t = 0; t < options.tokens; ++t) {
    if (options.cpu_built_positions) {
      sim.blocking_copy(MemcpyKind::kHtoD, 8, pos_stack, "aten::copy_");
    }
    sim.kernel("void at::native::(anonymous namespace)::indexSelectLargeIndex<c10::BFloat16>()",
               3 * kUs);
    for (int l = 0; l < options.layers; ++l) {
      sim.kernel(kRmsNormKernel, 3 * kUs);
      for (int g = 0; g < 3; ++g)
        sim.kernel(kGemv, 6 * kUs);
      sim.kernel(kMulKernel, 2 * kUs);
      sim.kernel(kAddKernel, 2 * kUs);
      sim.kernel("void at::native::(anonymous namespace)::CatArrayBatchedCopy<c10::BFloat16>()",
                 3 * kUs);
      sim.kernel(kFlashKernel, 8 * kUs);
      sim.kernel(kGemv, 6 * kUs);
      sim.kernel(kAddKernel, 2 * kUs);
      sim.kernel(kRmsNormKernel, 3 * kUs);
      sim.kernel(kGemv, 8 * kUs);
      sim.kernel(kGemv, 8 * kUs);
      sim.kernel(kMulKernel, 2 * kUs);
      sim.kernel(kMulKernel, 2 * kUs);
      sim.kernel(kGemv, 8 * kUs);
      sim.kernel(kAddKernel, 2 * kUs);
    }
    sim.kernel(kRmsNormKernel, 3 * kUs);
    sim.kernel(kGemv, 20 * kUs);
    sim.kernel(kArgmaxKernel, 4 * kUs);
    if (options.read_back_token) {
      sim.blocking_copy(MemcpyKind::kDtoH, 8, item_stack, "aten::_local_scalar_dense");
    }
  }
  return b.build();
}

}  // namespace perfadvise::testing
