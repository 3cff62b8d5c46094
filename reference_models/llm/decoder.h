// One decoding loop per ladder variant, all behind the same interface so that the bench checks
// and times them the same way. A step consumes the current token at the current position,
// writes its keys and values, and produces logits and the next (greedy) token.
#pragma once

#include <ATen/ATen.h>
#include <ATen/cuda/CUDAGraph.h>

#include <functional>
#include <memory>

#include "llm/model.h"

namespace llm {

class Decoder {
 public:
  virtual ~Decoder() = default;
  // Fills cache positions 0..P-1 with `prompt` (int64 [P] on the device); the next step runs at
  // position P.
  virtual void prefill(const at::Tensor& prompt) = 0;
  // Makes `token` (int64 [1] on the device) the one the next step consumes.
  virtual void set_token(const at::Tensor& token) = 0;
  virtual void step() = 0;
  virtual at::Tensor last_logits() const = 0;  // fp32 [vocab] of the last step
  // fp32 weights that compute exactly what this decoder computes (dequantized if quantized).
  virtual ModelWeights reference_weights() const = 0;
  virtual double weight_bytes_per_step() const = 0;
};

enum class AtenLoop {
  kHostSync,    // the naive loop: tensors built on the host per token, .item() on the sample
  kDeviceSide,  // position and sampled token stay on the device
  kGraph,       // static KV cache, and the step replayed from a CUDA graph
};

std::unique_ptr<Decoder> make_aten_decoder(const Config& cfg, const ModelWeights& w, AtenLoop loop,
                                           int64_t capacity);

// Our own kernels (kernels.h) in one CUDA graph per step, with weights in `format`.
std::unique_ptr<Decoder> make_fused_decoder(const Config& cfg, const ModelWeights& w,
                                            WeightFormat format, int64_t capacity);

// Captures `step` into `graph` on a side stream, after one eager warm-up run there (which
// creates cuBLAS handles and workspaces outside the capture). The warm-up changes the decoder's
// state, so callers prefill afterwards.
void capture_step(at::cuda::CUDAGraph& graph, const std::function<void()>& step);

}  // namespace llm
