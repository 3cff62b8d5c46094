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
  // Logits [F, vocab] after `prompt` for each of the F `forced` tokens (teacher forcing), so that
  // every variant is checked on the same sequence whatever it samples. By default one step per
  // forced token.
  virtual at::Tensor forced_logits(const at::Tensor& prompt, const at::Tensor& forced);
  // Tokens produced per step on average since the last prefill: 1 except for speculative
  // decoding. Reads a device counter (synchronizes).
  virtual double tokens_per_step() const { return 1; }
  // fp32 weights that compute exactly what this decoder computes (dequantized if quantized).
  virtual ModelWeights reference_weights() const = 0;
  virtual double weight_bytes_per_step() const = 0;

 protected:
  virtual at::Tensor last_logits() const = 0;  // fp32 [vocab] of the last step
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

// Speculative decoding: the int8 model (our kernels) drafts kDraftTokens tokens one at a time,
// the bf16 model checks them in one forward pass of kDraftTokens tokens, greedy acceptance.
constexpr int64_t kDraftTokens = 4;
std::unique_ptr<Decoder> make_speculative_decoder(const Config& cfg, const ModelWeights& w,
                                                  int64_t capacity);

// Captures `step` into `graph` on a side stream, after one eager warm-up run there (which
// creates cuBLAS handles and workspaces outside the capture). The warm-up changes the decoder's
// state, so callers prefill afterwards.
void capture_step(at::cuda::CUDAGraph& graph, const std::function<void()>& step);

}  // namespace llm
