#include "sam/sam_linear.h"

#include <optional>
#include <vector>

namespace sam {
namespace {

constexpr double kFp8Max = 448.0;
constexpr int64_t kSparseRowMultiple = 16;

std::optional<at::Tensor> optional_bias(const at::Tensor& bias) {
  return bias.defined() ? std::optional<at::Tensor>(bias) : std::nullopt;
}

std::vector<int64_t> with_last_dim(at::IntArrayRef sizes, int64_t last) {
  auto out = sizes.vec();
  out.back() = last;
  return out;
}

at::Tensor row_scale(const at::Tensor& x) {
  return x.abs().amax(-1, /*keepdim=*/true).clamp_min(1e-12) / kFp8Max;
}

}  // namespace

at::Tensor fake_quant_rows(const at::Tensor& x) {
  auto scale = row_scale(x.to(at::kFloat));
  auto q = (x.to(at::kFloat) / scale).clamp(-kFp8Max, kFp8Max).to(at::kFloat8_e4m3fn);
  return (q.to(at::kFloat) * scale).to(x.scalar_type());
}

Linear::Linear(const at::Tensor& weight, const at::Tensor& bias, at::ScalarType dtype,
               GemmKind gemm, bool fast_accum)
    : gemm_(gemm), out_features_(weight.size(0)), fast_accum_(fast_accum) {
  switch (gemm) {
    case GemmKind::kDense:
      weight_ = weight.to(dtype);
      break;
    case GemmKind::kFakeFp8:
      weight_ = fake_quant_rows(weight).to(dtype);
      break;
    case GemmKind::kFp8: {
      auto scale = row_scale(weight);  // [N, 1]
      weight_ = (weight / scale).clamp(-kFp8Max, kFp8Max).to(at::kFloat8_e4m3fn).contiguous();
      weight_scale_ = scale.t().contiguous();  // [1, N], as _scaled_mm wants for rowwise B
      break;
    }
    case GemmKind::kSparse24:
      weight_ = at::_cslt_compress(weight.to(dtype).contiguous());
      break;
  }
  // FP8 and 2:4 GEMMs write bf16; their bias is bf16 too.
  bool low_precision = gemm == GemmKind::kFp8 || gemm == GemmKind::kSparse24;
  if (bias.defined()) bias_ = bias.to(low_precision ? at::kBFloat16 : dtype);
}

at::Tensor Linear::operator()(const at::Tensor& x) const {
  switch (gemm_) {
    case GemmKind::kDense:
      return dense(x);
    case GemmKind::kFakeFp8:
      return dense(fake_quant_rows(x));
    case GemmKind::kFp8:
      return fp8(Rows{x.reshape({-1, x.size(-1)}), {}}, /*add_bias=*/true)
          .view(with_last_dim(x.sizes(), out_features_));
    case GemmKind::kSparse24:
      return sparse(x);
  }
  TORCH_CHECK(false, "unknown GEMM kind");
}

at::Tensor Linear::operator()(const Rows& x) const {
  return gemm_ == GemmKind::kFp8 ? fp8(x, /*add_bias=*/true) : (*this)(x.data);
}

Rows Linear::gelu(const Rows& x) const {
  switch (gemm_) {
    case GemmKind::kDense:
      TORCH_CHECK(bias_.defined() && x.data.dim() == 2, "gelu epilogue needs a bias and rows");
      return Rows{at::_addmm_activation(bias_, x.data, weight_.t(), 1, 1, /*use_gelu=*/true), {}};
    case GemmKind::kFp8:
      return quantize_rows(fp8(x, /*add_bias=*/false), bias_, /*gelu=*/true);
    case GemmKind::kSparse24:
      return Rows{at::gelu(sparse(x.data), "tanh"), {}};
    case GemmKind::kFakeFp8:
      break;
  }
  TORCH_CHECK(false, "the fake-quantized reference runs the unfused path");
}

at::Tensor Linear::dense(const at::Tensor& x) const {
  return at::linear(x, weight_, optional_bias(bias_));
}

at::Tensor Linear::fp8(const Rows& x, bool add_bias) const {
  if (!x.scale.defined()) return fp8(quantize_rows(x.data, {}, /*gelu=*/false), add_bias);
  // Rowwise scaling: scale_a [M, 1] per token, scale_b [1, N] per output channel; B must be
  // column-major, which weight_.t() of the row-major [N, K] weight is.
  return at::_scaled_mm(x.data, weight_.t(), x.scale, weight_scale_,
                        add_bias ? optional_bias(bias_) : std::nullopt, std::nullopt, at::kBFloat16,
                        fast_accum_);
}

at::Tensor Linear::sparse(const at::Tensor& x) const {
  auto rows = x.reshape({-1, x.size(-1)});
  // cuSPARSELt rejects a dense operand whose dimensions are not multiples of 16 ("operation not
  // supported"): at batch 1, the 25 windows of 196 tokens are 4900 rows. Pad with zero rows.
  int64_t m = rows.size(0),
          padded = (m + kSparseRowMultiple - 1) / kSparseRowMultiple * kSparseRowMultiple;
  if (padded != m) rows = at::constant_pad_nd(rows, {0, 0, 0, padded - m});
  // cuSPARSELt computes W @ rows^T; transpose_result gives [M, N] directly.
  auto out = at::_cslt_sparse_mm(weight_, rows.t(), optional_bias(bias_), std::nullopt,
                                 std::nullopt, /*transpose_result=*/true);
  if (padded != m) out = out.narrow(0, 0, m);
  return out.reshape(with_last_dim(x.sizes(), out_features_));
}

}  // namespace sam
