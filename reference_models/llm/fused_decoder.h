// The decoder built on our own kernels (kernels.h): one CUDA graph per token, weights in bf16,
// int8 or int4. Declared here because the speculative decoder drives it as its draft model.
#pragma once

#include <vector>

#include "llm/decoder.h"

namespace llm {

class FusedDecoder : public Decoder {
 public:
  FusedDecoder(const Config& cfg, const ModelWeights& w, WeightFormat format, int64_t capacity);

  void prefill(const at::Tensor& prompt) override;
  void set_token(const at::Tensor& token) override { token_.copy_(token); }
  void step() override { graph_.replay(); }
  ModelWeights reference_weights() const override;
  double weight_bytes_per_step() const override;

  // Enqueues one step on the current stream without the graph (for capture into another one).
  void launch_step();
  // The token the next step consumes (its argmax overwrites it) and its position (int64 [1]).
  at::Tensor& token() { return token_; }
  at::Tensor& position() { return pos_; }

 private:
  struct Layer {
    at::Tensor attn_norm, ffn_norm;
    QuantLinear wqkv, wo, w1, w3, w2;
    at::Tensor k_cache, v_cache;  // [heads, capacity, head_dim] bf16
  };

  at::Tensor last_logits() const override { return logits_; }
  GemvArgs gemv_args(const QuantLinear& w, const at::Tensor& x, const at::Tensor& norm,
                     at::Tensor& y, Epilogue epilogue) const;

  Config cfg_;
  int64_t capacity_;
  at::Tensor embedding_, final_norm_;
  std::vector<Layer> layers_;
  QuantLinear output_;
  at::Tensor x_, qkv_, attn_, ffn_, logits_, scratch_, counters_, rope_, token_, pos_;
  at::cuda::CUDAGraph graph_;
};

}  // namespace llm
