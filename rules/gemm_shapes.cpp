#include "rules/gemm_shapes.h"

#include <map>

#include <fmt/format.h>

#include "profile/launch_context.h"

namespace perfadvise {
namespace {

// cudaDataType values (library_types.h).
constexpr uint16_t kR32F = 0, kR64F = 1, kR16F = 2, kR8I = 3, kR16BF = 14, kR8fE4m3 = 28,
                   kR8fE5m2 = 29;

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
    case kR8fE4m3:
    case kR8fE5m2:
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
    case kR8fE4m3:
    case kR8fE5m2:
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
  std::vector<GemmInstance> by_call(p.gemms.size());
  for (uint32_t k = 0; k < p.kernels.size(); ++k) {
    const uint32_t g = p.gemm_of(k);
    if (g == CorrelationIndex::kNone) continue;
    GemmInstance& inst = by_call[g];
    if (inst.call == nullptr) inst.call = &p.gemms[g], inst.index = g, inst.first_kernel = k;
    inst.time += p.kernels[k].end - p.kernels[k].start;
  }
  std::vector<GemmInstance> out;
  for (const GemmInstance& inst : by_call) {
    if (inst.call != nullptr && c.kernel_in_steps(inst.first_kernel)) out.push_back(inst);
  }
  return out;
}

std::string gemm_label(const Profile& p, const GemmCall& g) {
  std::string label = fmt::format("{} {} m={} n={} k={}", p.strings[g.api],
                                  data_type_name(g.a_type), g.m, g.n, g.k);
  if (g.batch > 1) label += fmt::format(" batch={}", g.batch);
  return label;
}

std::string kernel_op(const Profile& p, uint32_t k) {
  const uint32_t range = p.op_of(k);
  return range == CorrelationIndex::kNone
             ? std::string()
             : std::string(torch_op_name(p.strings[p.nvtx[range].name]));
}

std::string gemm_description(const Profile& p, uint32_t k, const std::string& fallback) {
  const uint32_t g = p.gemm_of(k);
  if (g == CorrelationIndex::kNone) return fallback;
  const std::string op = kernel_op(p, k);
  return (op.empty() ? "" : op + ": ") + gemm_label(p, p.gemms[g]);
}

SiteGroups group_by_gemm(const RuleContext& c, const std::function<bool(uint32_t)>& pick) {
  const Profile& p = c.profile();
  std::map<std::string, KernelGroup> by_label;
  for (uint32_t k = 0; k < p.kernels.size(); ++k) {
    if (!c.kernel_in_steps(k) || !pick(k)) continue;
    const std::string label =
        gemm_description(p, k, short_kernel_name(p.strings[p.kernels[k].name]));
    by_label[label].add(p, k, p.kernels[k].end - p.kernels[k].start);
  }
  SiteGroups groups;
  for (const auto& [label, group] : by_label)
    group.add_to(groups, p, label);
  return groups;
}

}  // namespace perfadvise
