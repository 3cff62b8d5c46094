#include "llm/decoder.h"

#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDAGuard.h>

#include <vector>

namespace llm {

at::Tensor Decoder::forced_logits(const at::Tensor& prompt, const at::Tensor& forced) {
  prefill(prompt);
  std::vector<at::Tensor> rows;
  for (int64_t i = 0; i < forced.size(0); ++i) {
    set_token(forced.narrow(0, i, 1));
    step();
    rows.push_back(last_logits().clone());
  }
  return at::stack(rows);
}

void capture_step(at::cuda::CUDAGraph& graph, const std::function<void()>& step) {
  at::cuda::device_synchronize();
  auto stream = c10::cuda::getStreamFromPool();
  {
    c10::cuda::CUDAStreamGuard guard(stream);
    step();
    stream.synchronize();
    graph.capture_begin();
    step();
    graph.capture_end();
  }
  at::cuda::device_synchronize();
}

}  // namespace llm
