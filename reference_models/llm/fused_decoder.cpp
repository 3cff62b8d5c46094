#include <ATen/cuda/CUDAContext.h>

#include "llm/fused_decoder.h"

namespace llm {
namespace {

const __nv_bfloat16* bf16_ptr(const at::Tensor& t) {
  return static_cast<const __nv_bfloat16*>(t.data_ptr());
}
__nv_bfloat16* bf16_ptr(at::Tensor& t) {
  return static_cast<__nv_bfloat16*>(t.data_ptr());
}

}  // namespace

FusedDecoder::FusedDecoder(const Config& cfg, const ModelWeights& w, WeightFormat format,
                           int64_t capacity)
    : cfg_(cfg), capacity_(capacity), embedding_(w.embedding), final_norm_(w.final_norm) {
  TORCH_CHECK(cfg.head_dim() == kHeadDim, "the fused kernels need head_dim ", kHeadDim);
  auto bf16 = at::device(at::kCUDA).dtype(at::kBFloat16);
  for (const auto& l : w.layers) {
    layers_.push_back({l.attn_norm, l.ffn_norm, QuantLinear::quantize(l.wqkv, format),
                       QuantLinear::quantize(l.wo, format), QuantLinear::quantize(l.w1, format),
                       QuantLinear::quantize(l.w3, format), QuantLinear::quantize(l.w2, format),
                       at::zeros({cfg.n_heads, capacity, kHeadDim}, bf16),
                       at::zeros({cfg.n_heads, capacity, kHeadDim}, bf16)});
  }
  output_ = QuantLinear::quantize(w.output, format);
  auto floats = at::device(at::kCUDA).dtype(at::kFloat);
  x_ = at::zeros({cfg.dim}, floats);
  qkv_ = at::zeros({3 * cfg.dim}, floats);
  attn_ = at::zeros({cfg.dim}, floats);
  ffn_ = at::zeros({cfg.ffn}, floats);
  logits_ = at::zeros({cfg.vocab}, floats);
  scratch_ =
      at::zeros({static_cast<int64_t>(attention_scratch_floats(cfg.n_heads, capacity))}, floats);
  counters_ = at::zeros({cfg.n_heads}, at::device(at::kCUDA).dtype(at::kInt));
  rope_ = rope_table(cfg, capacity);
  token_ = at::zeros({1}, at::device(at::kCUDA).dtype(at::kLong));
  pos_ = at::zeros({1}, at::device(at::kCUDA).dtype(at::kLong));
  capture_step(graph_, [this] { launch_step(); });
}

// The prompt goes through the same graph one token at a time: exact agreement with the decode
// path matters more here than prefill speed, which is not timed.
void FusedDecoder::prefill(const at::Tensor& prompt) {
  pos_.zero_();
  for (int64_t i = 0; i < prompt.size(0); ++i) {
    token_.copy_(prompt.narrow(0, i, 1));
    graph_.replay();
  }
}

ModelWeights FusedDecoder::reference_weights() const {
  ModelWeights w;
  w.embedding = embedding_.to(at::kFloat);
  w.final_norm = final_norm_.to(at::kFloat);
  w.output = output_.dequantized();
  for (const auto& l : layers_) {
    w.layers.push_back({l.attn_norm.to(at::kFloat), l.wqkv.dequantized(), l.wo.dequantized(),
                        l.ffn_norm.to(at::kFloat), l.w1.dequantized(), l.w3.dequantized(),
                        l.w2.dequantized()});
  }
  return w;
}

double FusedDecoder::weight_bytes_per_step() const {
  double total = output_.bytes();
  for (const auto& l : layers_)
    total += l.wqkv.bytes() + l.wo.bytes() + l.w1.bytes() + l.w3.bytes() + l.w2.bytes();
  return total;
}

GemvArgs FusedDecoder::gemv_args(const QuantLinear& w, const at::Tensor& x, const at::Tensor& norm,
                                 at::Tensor& y, Epilogue epilogue) const {
  GemvArgs args;
  args.a = w.view();
  args.x = x.data_ptr<float>();
  args.norm_weight = norm.defined() ? bf16_ptr(norm) : nullptr;
  args.norm_eps = static_cast<float>(cfg_.norm_eps);
  args.y = y.data_ptr<float>();
  args.epilogue = epilogue;
  return args;
}

// Per layer: QKV GEMV (RMSNorm in its prologue; RoPE and the KV-cache write in its epilogue),
// attention (the splits merged by the last block), output GEMV + residual, gate/up GEMV with
// SwiGLU (RMSNorm in its prologue), down GEMV + residual: 5 launches instead of ~40 ATen kernels.
void FusedDecoder::launch_step() {
  cudaStream_t stream = at::cuda::getCurrentCUDAStream().stream();
  const int heads = static_cast<int>(cfg_.n_heads), capacity = static_cast<int>(capacity_);
  int64_t* pos = pos_.data_ptr<int64_t>();
  const at::Tensor no_norm;
  embed(bf16_ptr(embedding_), token_.data_ptr<int64_t>(), x_.data_ptr<float>(),
        static_cast<int>(cfg_.dim), stream);
  for (auto& l : layers_) {
    GemvArgs qkv = gemv_args(l.wqkv, x_, l.attn_norm, qkv_, Epilogue::kRope);
    qkv.rope = {rope_.data_ptr<float>(), pos, bf16_ptr(l.k_cache), bf16_ptr(l.v_cache), capacity};
    gemv(qkv, stream);
    decode_attention(qkv_.data_ptr<float>(), bf16_ptr(l.k_cache), bf16_ptr(l.v_cache), pos,
                     scratch_.data_ptr<float>(), counters_.data_ptr<int>(), attn_.data_ptr<float>(),
                     heads, capacity, stream);
    gemv(gemv_args(l.wo, attn_, no_norm, x_, Epilogue::kAccumulate), stream);
    GemvArgs swiglu = gemv_args(l.w1, x_, l.ffn_norm, ffn_, Epilogue::kSwiGLU);
    swiglu.b = l.w3.view();
    gemv(swiglu, stream);
    gemv(gemv_args(l.w2, ffn_, no_norm, x_, Epilogue::kAccumulate), stream);
  }
  gemv(gemv_args(output_, x_, final_norm_, logits_, Epilogue::kStore), stream);
  argmax_and_advance(logits_.data_ptr<float>(), static_cast<int>(cfg_.vocab),
                     token_.data_ptr<int64_t>(), pos, stream);
}

std::unique_ptr<Decoder> make_fused_decoder(const Config& cfg, const ModelWeights& w,
                                            WeightFormat format, int64_t capacity) {
  return std::make_unique<FusedDecoder>(cfg, w, format, capacity);
}

}  // namespace llm
