#include "analyzer/rule_context.h"

#include <algorithm>

namespace perfadvise {

RuleContext::RuleContext(const Profile& profile, uint32_t process_index, const StepDetection& steps,
                         const std::vector<StepMetrics>& per_step,
                         const std::vector<KernelClass>& classes,
                         const std::vector<ApiKind>& api_kinds,
                         const std::vector<HostBlock>& blocks, const GpuTimeline& timeline)
    : profile_(profile),
      process_(process_index),
      steps_(steps),
      per_step_(per_step),
      classes_(classes),
      api_kinds_(api_kinds),
      blocks_(blocks),
      timeline_(timeline),
      resolver_(profile) {
  median_step_ms_ = median_of([](const StepMetrics& m) { return m.wall_ms; });
  index_kernels();
}

// One merge walk over the start-sorted kernels and the sorted, disjoint steps, so rules test
// "in a measured step" with a lookup instead of a binary search per kernel and rule.
void RuleContext::index_kernels() {
  const std::vector<Kernel>& kernels = profile_.kernels;
  const std::vector<Step>& steps = steps_.steps;
  kernel_step_.assign(kernels.size(), -1);
  size_t s = 0;
  for (size_t i = 0; i < kernels.size(); ++i) {
    const Kernel& k = kernels[i];
    while (s < steps.size() && steps[s].end <= k.start)
      ++s;
    if (s == steps.size()) break;
    if (k.start < steps[s].start) continue;
    kernel_step_[i] = static_cast<int32_t>(s);
    const TimeNs duration = k.end - k.start;
    kernel_time_ += duration;
    category_time_[size_t(kernel_class(k).category)] += duration;
  }
}

double RuleContext::median_of(double (*field)(const StepMetrics&)) const {
  if (per_step_.empty()) return 0;
  std::vector<double> values;
  values.reserve(per_step_.size());
  for (const StepMetrics& m : per_step_)
    values.push_back(field(m));
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

int RuleContext::step_of(TimeNs t) const {
  const std::vector<Step>& s = steps_.steps;
  auto it = std::upper_bound(s.begin(), s.end(), t,
                             [](TimeNs time, const Step& step) { return time < step.start; });
  if (it == s.begin()) return -1;
  --it;
  return t < it->end ? static_cast<int>(it - s.begin()) : -1;
}

const KernelClass& RuleContext::kernel_class(const Kernel& kernel) const {
  static const KernelClass kUnknown;
  return kernel.name < classes_.size() ? classes_[kernel.name] : kUnknown;
}

ApiKind RuleContext::api_kind(const ApiCall& call) const {
  return call.name < api_kinds_.size() ? api_kinds_[call.name] : ApiKind::kOther;
}

std::string RuleContext::api_name(const ApiCall& call) const {
  return normalize_api_name(profile_.strings[call.name]);
}

const Device& RuleContext::device() const {
  return profile_.kernels.empty() ? profile_.device(0)
                                  : profile_.device(profile_.kernels.front().device);
}

Finding RuleContext::make_finding(const std::string& rule_id, Severity severity) const {
  Finding f;
  f.rule_id = rule_id;
  f.severity = severity;
  f.process = process_;
  f.step_time_ms = median_step_ms_;
  f.doc = "rules/" + rule_id + ".md";
  return f;
}

}  // namespace perfadvise
