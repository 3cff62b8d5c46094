#include "llm/model.h"

#include <stdexcept>

namespace llm {

Config config_named(const std::string& name) {
  if (name == "full") return Config{4096, 32, 32, 11008, 32000};
  if (name == "small") return Config{1024, 8, 8, 2816, 32000};
  throw std::invalid_argument("unknown llm config '" + name + "'");
}

namespace {

at::TensorOptions on_gpu(at::ScalarType dtype) {
  return at::device(at::kCUDA).dtype(dtype);
}

at::Tensor random_linear(int64_t out, int64_t in) {
  auto w = at::randn({out, in}, on_gpu(at::kFloat)) / std::sqrt(static_cast<double>(in));
  return w.to(at::kBFloat16);
}

// Norm weights near 1 but not equal to it, so that a kernel ignoring them would be caught.
at::Tensor random_norm(int64_t dim) {
  return (1.0 + 0.1 * at::randn({dim}, on_gpu(at::kFloat))).to(at::kBFloat16);
}

}  // namespace

ModelWeights random_weights(const Config& cfg, uint64_t seed) {
  at::manual_seed(seed);
  ModelWeights w;
  w.embedding = at::randn({cfg.vocab, cfg.dim}, on_gpu(at::kFloat)).to(at::kBFloat16);
  for (int64_t l = 0; l < cfg.n_layers; ++l) {
    LayerWeights layer;
    layer.attn_norm = random_norm(cfg.dim);
    layer.wqkv = random_linear(3 * cfg.dim, cfg.dim);
    layer.wo = random_linear(cfg.dim, cfg.dim);
    layer.ffn_norm = random_norm(cfg.dim);
    layer.w1 = random_linear(cfg.ffn, cfg.dim);
    layer.w3 = random_linear(cfg.ffn, cfg.dim);
    layer.w2 = random_linear(cfg.dim, cfg.ffn);
    w.layers.push_back(layer);
  }
  w.final_norm = random_norm(cfg.dim);
  w.output = random_linear(cfg.vocab, cfg.dim);
  return w;
}

ModelWeights weights_as(const ModelWeights& w, at::ScalarType dtype) {
  ModelWeights out;
  out.embedding = w.embedding.to(dtype);
  out.final_norm = w.final_norm.to(dtype);
  out.output = w.output.to(dtype);
  for (const auto& l : w.layers) {
    out.layers.push_back({l.attn_norm.to(dtype), l.wqkv.to(dtype), l.wo.to(dtype),
                          l.ffn_norm.to(dtype), l.w1.to(dtype), l.w3.to(dtype), l.w2.to(dtype)});
  }
  return out;
}

double linear_weight_bytes(const ModelWeights& w) {
  auto bytes = [](const at::Tensor& t) { return static_cast<double>(t.nbytes()); };
  double total = bytes(w.output);
  for (const auto& l : w.layers)
    total += bytes(l.wqkv) + bytes(l.wo) + bytes(l.w1) + bytes(l.w3) + bytes(l.w2);
  return total;
}

QuantLinear QuantLinear::quantize(const at::Tensor& weight_bf16, WeightFormat format) {
  QuantLinear q;
  q.format = format;
  q.rows = weight_bf16.size(0);
  q.cols = weight_bf16.size(1);
  if (format == WeightFormat::kBf16) {
    q.data = weight_bf16.contiguous();
    return q;
  }
  auto w = weight_bf16.to(at::kFloat);
  if (format == WeightFormat::kInt8) {
    // Symmetric per output channel, as gpt-fast's WeightOnlyInt8QuantHandler.
    q.scales = w.abs().amax(1).clamp_min(1e-8) / 127.0;
    q.data = (w / q.scales.unsqueeze(1)).round().clamp(-127, 127).to(at::kChar);
    return q;
  }
  // int4: asymmetric per group of 32 (gpt-fast's convention w = (q - 8) * scale + zero), with
  // scale and zero rounded to bf16 before the values are quantized against them.
  auto groups = w.view({q.rows, q.cols / kInt4Group, kInt4Group});
  auto low = groups.amin(-1), high = groups.amax(-1);
  auto scale = ((high - low).clamp_min(1e-6) / 15.0).to(at::kBFloat16).to(at::kFloat);
  auto zero = (low + 8.0 * scale).to(at::kBFloat16).to(at::kFloat);
  auto offset = (zero - 8.0 * scale).unsqueeze(-1);
  auto values = ((groups - offset) / scale.unsqueeze(-1)).round().clamp(0, 15).to(at::kByte);
  auto pairs = values.view({q.rows, q.cols / 2, 2});
  q.data = pairs.select(-1, 0).bitwise_or(pairs.select(-1, 1).bitwise_left_shift(4)).contiguous();
  q.scales = at::stack({scale, zero}, -1).to(at::kBFloat16).contiguous();
  return q;
}

at::Tensor QuantLinear::dequantized() const {
  switch (format) {
    case WeightFormat::kBf16:
      return data.to(at::kFloat);
    case WeightFormat::kInt8:
      return data.to(at::kFloat) * scales.unsqueeze(1);
    case WeightFormat::kInt4: {
      auto low = data.bitwise_and(15), high = data.bitwise_right_shift(4);
      auto values =
          at::stack({low, high}, -1).to(at::kFloat).view({rows, cols / kInt4Group, kInt4Group});
      auto s = scales.to(at::kFloat);
      auto w = (values - 8.0) * s.select(-1, 0).unsqueeze(-1) + s.select(-1, 1).unsqueeze(-1);
      return w.view({rows, cols});
    }
  }
  throw std::logic_error("unknown weight format");
}

GemvWeights QuantLinear::view() const {
  GemvWeights v;
  v.format = format;
  v.data = data.data_ptr();
  v.scales = scales.defined() ? scales.data_ptr() : nullptr;
  v.rows = static_cast<int>(rows);
  v.cols = static_cast<int>(cols);
  return v;
}

double QuantLinear::bytes() const {
  return static_cast<double>(data.nbytes()) + (scales.defined() ? scales.nbytes() : 0);
}

at::Tensor rope_table(const Config& cfg, int64_t positions) {
  const int64_t half = cfg.head_dim() / 2;
  auto exponents = at::arange(0, half, on_gpu(at::kFloat)) * 2.0 / cfg.head_dim();
  auto inv_freq = at::pow(cfg.rope_base, exponents).reciprocal();
  auto angles = at::outer(at::arange(positions, on_gpu(at::kFloat)), inv_freq);
  return at::stack({angles.cos(), angles.sin()}, -1).contiguous();
}

}  // namespace llm
