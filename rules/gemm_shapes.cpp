#include "rules/gemm_shapes.h"

namespace perfadvise {
namespace {

// cudaDataType values (library_types.h).
constexpr uint16_t kR32F = 0, kR64F = 1, kR16F = 2, kR8I = 3, kR16BF = 14, kR8F_E4M3 = 28,
                   kR8F_E5M2 = 29;

}  // namespace

int element_bytes(uint16_t t) {
  switch (t) {
    case kR32F:
      return 4;
    case kR64F:
      return 8;
    case kR16F:
    case kR16BF:
      return 2;
    case kR8I:
    case kR8F_E4M3:
    case kR8F_E5M2:
      return 1;
    default:
      return 0;
  }
}

int tensor_core_alignment(uint16_t t) {
  const int bytes = element_bytes(t);
  return bytes == 0 || bytes == 8 ? 0 : 16 / bytes;
}

std::string data_type_name(uint16_t t) {
  switch (t) {
    case kR32F:
      return "fp32";
    case kR64F:
      return "fp64";
    case kR16F:
      return "fp16";
    case kR16BF:
      return "bf16";
    case kR8I:
      return "int8";
    case kR8F_E4M3:
    case kR8F_E5M2:
      return "fp8";
    default:
      return "type " + std::to_string(t);
  }
}

double GemmInstance::bytes() const {
  const GemmCall& g = *call;
  const double a = double(g.m) * double(g.k) * element_bytes(g.a_type);
  const double b = double(g.k) * double(g.n) * element_bytes(g.b_type);
  const double out = double(g.m) * double(g.n) * element_bytes(g.c_type);
  return (a + b + out) * double(g.batch);
}

std::vector<GemmInstance> gemms_in_steps(const RuleContext& c) {
  const Profile& p = c.profile();
  std::vector<GemmInstance> out;
  for (const GemmCall& g : p.gemms) {
    auto [first, last] = p.kernel_by_correlation.equal_range(g.correlation_id);
    if (first == last) continue;
    GemmInstance inst;
    inst.call = &g;
    inst.first_kernel = first->second;
    for (auto it = first; it != last; ++it) {
      const Kernel& k = p.kernels[it->second];
      inst.time += k.end - k.start;
      inst.first_kernel = std::min(inst.first_kernel, it->second);
    }
    if (c.kernel_in_steps(inst.first_kernel)) out.push_back(inst);
  }
  return out;
}

}  // namespace perfadvise
