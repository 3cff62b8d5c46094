// Writes a synthetic training-loop profile with N kernels through the real ProfileWriter:
// 500 kernels per step from a realistic mix of names, one cudaLaunchKernel per kernel, input
// uploads, a loss read-back (cudaMemcpyAsync DtoH + cudaStreamSynchronize with a Python call
// site), an NVTX ProfilerStep range per step, and a few allocations.
// Usage: analyze_bench_generate OUTPUT.sqlite KERNELS
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "profile/writer.h"

namespace {

using namespace perfadvise;

constexpr int kKernelsPerStep = 500;
constexpr uint32_t kThread = 1000, kStream = 7;

const char* const kNames[] = {
    "sm90_xmma_gemm_bf16bf16_bf16f32_f32_tn_n_tilesize128x128x64_warpgroupsize1x1x1_execute_"
    "segment_k_off_kernel__5x_cublas",
    "void at::native::vectorized_elementwise_kernel<4, at::native::CUDAFunctor_add<float>, "
    "std::array<char*, 3ul> >(int, at::native::CUDAFunctor_add<float>, std::array<char*, 3ul>)",
    "void at::native::(anonymous namespace)::cunn_SoftMaxForward<4, float, float, float>()",
    "void at::native::(anonymous namespace)::vectorized_layer_norm_kernel<c10::BFloat16, float>()",
    "void pytorch_flash::flash_fwd_kernel<Flash_fwd_kernel_traits<128, 128, 64, 4> >()",
    "void at::native::reduce_kernel<512, 1, at::native::ReduceOp<float, at::native::MeanOps<"
    "float, float, float, float>, unsigned int, float, 4> >()",
    "void at::native::index_elementwise_kernel<128, 4, at::native::gpu_index_kernel<> >()",
    "void at::native::elementwise_kernel<128, 4, at::native::gpu_kernel_impl_nocast<at::native::"
    "direct_copy_kernel_cuda(at::TensorIteratorBase&)::{lambda()#3}>()",
    "triton_poi_fused_add_mul_0",
    "ampere_sgemm_128x64_tn",
};

struct Clock {
  int64_t host = 1'000'000;
  int64_t gpu = 0;
  uint32_t correlation = 1;
};

void launch(ProfileWriter& w, Clock& c, StringId name, StringId api, int64_t duration) {
  const uint32_t corr = c.correlation++;
  w.add(ApiCall{c.host, c.host + 2000, corr, kThread, 211, api, 0, ApiDomain::kRuntime});
  Kernel k;
  k.start = std::max(c.gpu, c.host + 4000);
  k.end = k.start + duration;
  k.name = name;
  k.correlation_id = corr;
  k.stream = kStream;
  k.grid_x = 264;
  k.block_x = 256;
  w.add(k);
  c.gpu = k.end;
  c.host += 6000;
}

void read_back(ProfileWriter& w, Clock& c, StringId copy_api, StringId sync_api, uint32_t stack) {
  const uint32_t corr = c.correlation++;
  Memcpy m;
  m.start = std::max(c.gpu, c.host + 5000);
  m.end = m.start + 2000;
  m.bytes = 8;
  m.correlation_id = corr;
  m.stream = kStream;
  m.kind = MemcpyKind::kDtoH;
  m.src_kind = MemoryKind::kDevice;
  m.dst_kind = MemoryKind::kPageable;
  m.async = true;
  w.add(m);
  w.add(ApiCall{c.host, m.end + 2000, corr, kThread, 41, copy_api, 0, ApiDomain::kRuntime});
  w.add(CallSite{corr, kThread, c.host, stack, 0, 0});
  const uint32_t sync_corr = c.correlation++;
  w.add(ApiCall{m.end + 3000, m.end + 6000, sync_corr, kThread, 131, sync_api, 0,
                ApiDomain::kRuntime});
  w.add(Sync{m.end + 3000, m.end + 6000, sync_corr, 0, kStream, 0, SyncType::kStreamSynchronize});
  c.gpu = m.end;
  c.host = m.end + 8000;
}

void upload(ProfileWriter& w, Clock& c, StringId api, uint64_t bytes) {
  const uint32_t corr = c.correlation++;
  w.add(ApiCall{c.host, c.host + 5000, corr, kThread, 41, api, 0, ApiDomain::kRuntime});
  Memcpy m;
  m.start = std::max(c.gpu, c.host + 5000);
  m.end = m.start + int64_t(bytes / 20'000);
  m.bytes = bytes;
  m.correlation_id = corr;
  m.stream = kStream;
  m.kind = MemcpyKind::kHtoD;
  m.src_kind = MemoryKind::kPinned;
  m.dst_kind = MemoryKind::kDevice;
  m.async = true;
  w.add(m);
  c.gpu = m.end;
  c.host += 7000;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s OUTPUT.sqlite KERNELS\n", argv[0]);
    return 2;
  }
  const long kernels = std::atol(argv[2]);
  Provenance prov;
  prov.tool_version = "bench";
  prov.command = "python train.py";
  prov.hostname = "bench";
  prov.pid = 1;
  auto writer = ProfileWriter::create(argv[1], prov);
  if (!writer.ok()) {
    std::fprintf(stderr, "%s\n", writer.error().message.c_str());
    return 2;
  }
  ProfileWriter& w = **writer;
  w.add(Device{0, "NVIDIA H100 80GB HBM3", 132, 80ull << 30, 9, 0, 3.35e12, 989.4e12, 66.9e12});
  std::vector<StringId> names;
  for (const char* n : kNames)
    names.push_back(w.intern(n));
  const StringId launch_api = w.intern("cudaLaunchKernel");
  const StringId copy_api = w.intern("cudaMemcpyAsync_v3020");
  const StringId sync_api = w.intern("cudaStreamSynchronize_v3020");
  const StringId malloc_api = w.intern("cudaMalloc_v3020");
  const uint32_t frame = w.intern_frame(Frame{w.intern("/work/train.py"), w.intern("step"), 42});
  const uint32_t stack = w.intern_stack({frame});
  Clock c;
  for (long done = 0, step = 0; done < kernels; ++step) {
    const int64_t step_start = c.host;
    upload(w, c, copy_api, 4 << 20);
    if (step % 10 == 0)
      w.add(ApiCall{c.host, c.host + 30'000, c.correlation++, kThread, 20, malloc_api, 0,
                    ApiDomain::kRuntime});
    for (int i = 0; i < kKernelsPerStep && done < kernels; ++i, ++done) {
      const size_t pick = size_t(i * 7 + i / 13) % names.size();
      launch(w, c, names[pick], launch_api, 5'000 + int64_t(pick) * 3'000);
      if (i == kKernelsPerStep / 2) read_back(w, c, copy_api, sync_api, stack);
    }
    w.add(NvtxEvent{step_start, c.host, w.intern("ProfilerStep#" + std::to_string(step)), 0,
                    kThread, NvtxKind::kRange});
    if (w.pending_rows() > 200'000) {
      if (auto r = w.commit(); !r.ok())
        return std::fprintf(stderr, "%s\n", r.error().message.c_str()), 2;
    }
  }
  if (auto r = w.close(); !r.ok()) {
    std::fprintf(stderr, "%s\n", r.error().message.c_str());
    return 2;
  }
  return 0;
}
