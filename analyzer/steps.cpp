#include "analyzer/steps.h"

#include <algorithm>
#include <regex>

#include <fmt/format.h>

namespace perfadvise {
namespace {

std::vector<Step> outermost(std::vector<Step> ranges) {
  std::sort(ranges.begin(), ranges.end(),
            [](const Step& a, const Step& b) { return a.start < b.start; });
  std::vector<Step> out;
  for (Step& r : ranges) {
    if (!out.empty() && r.start < out.back().end) continue;  // nested or overlapping
    out.push_back(std::move(r));
  }
  return out;
}

// The GPU's active span, for the window fallback.
std::pair<TimeNs, TimeNs> gpu_span(const Profile& p) {
  TimeNs first = INT64_MAX, last = INT64_MIN;
  auto extend = [&](const auto& rows) {
    for (const auto& r : rows) {
      first = std::min(first, r.start);
      last = std::max(last, r.end);
    }
  };
  extend(p.kernels);
  extend(p.memcpys);
  extend(p.memsets);
  if (first > last) return p.time_span();
  return {first, last};
}

StepDetection window_detection(const Profile& profile) {
  StepDetection d;
  d.method = StepMethod::kWindow;
  auto [first, last] = gpu_span(profile);
  if (last <= first) {
    d.description = "no GPU activity: no steps";
    return d;
  }
  // The first tenth of the GPU's active span pays one-time costs (allocation, autotuning).
  const TimeNs warm_end = first + (last - first) / 10;
  d.warmup.push_back(Step{first, warm_end, "warm-up"});
  d.steps.push_back(Step{warm_end, last, "steady state"});
  d.description =
      "no NVTX step ranges and no repeating kernel sequence: one steady-state "
      "window after the first 10% of GPU activity";
  return d;
}

double median_of(std::vector<double> v) {
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
}

}  // namespace

std::vector<Step> nvtx_steps(const Profile& profile, const std::string& regex_text) {
  const std::regex regex(regex_text);
  std::vector<bool> checked(profile.strings.size(), false), matches(profile.strings.size(), false);
  std::vector<Step> ranges;
  for (const NvtxEvent& e : profile.nvtx) {
    if (e.kind != NvtxKind::kRange || e.end <= e.start || e.name >= checked.size()) continue;
    // perfadvise's own ranges (recording pauses) are never the user's steps.
    if (e.domain < profile.strings.size() && profile.strings[e.domain] == kPerfadviseNvtxDomain)
      continue;
    if (!checked[e.name]) {
      checked[e.name] = true;
      matches[e.name] = std::regex_search(profile.strings[e.name], regex);
    }
    if (matches[e.name]) ranges.push_back(Step{e.start, e.end, profile.strings[e.name]});
  }
  return outermost(std::move(ranges));
}

void split_warmup(StepDetection& d) {
  const size_t n = d.steps.size();
  if (n < 4) return;
  std::vector<double> later;
  for (size_t i = n / 2; i < n; ++i)
    later.push_back(double(d.steps[i].end - d.steps[i].start));
  const double median = median_of(later);
  size_t warm = 1;
  while (warm < n / 2 && double(d.steps[warm].end - d.steps[warm].start) > 1.5 * median)
    ++warm;
  d.warmup.assign(d.steps.begin(), d.steps.begin() + static_cast<std::ptrdiff_t>(warm));
  d.steps.erase(d.steps.begin(), d.steps.begin() + static_cast<std::ptrdiff_t>(warm));
}

Result<StepDetection> detect_steps(const Profile& profile, const std::string& user_regex) {
  if (!user_regex.empty()) {
    try {
      std::regex check(user_regex);
    } catch (const std::regex_error& e) {
      return make_error("--steps '{}': not a valid regular expression ({})", user_regex, e.what());
    }
  }
  const std::string regex = user_regex.empty() ? kProfilerStepRegex : user_regex;
  StepDetection d;
  d.steps = nvtx_steps(profile, regex);
  std::string nvtx_note;
  if (!d.steps.empty()) {
    d.method = StepMethod::kNvtx;
    d.description = fmt::format("NVTX ranges matching '{}'", regex);
    split_warmup(d);
    return d;
  }
  if (!user_regex.empty()) nvtx_note = fmt::format("no NVTX range matched '{}'; ", user_regex);
  if (user_regex.empty()) {
    std::string family;
    d.steps = numbered_nvtx_steps(profile, &family);
    if (!d.steps.empty()) {
      d.method = StepMethod::kNvtx;
      d.description = fmt::format("NVTX ranges '{}', each up to the next", family);
      split_warmup(d);
      return d;
    }
  }
  size_t period = 0;
  d.steps = periodic_steps(profile, &period);
  if (!d.steps.empty()) {
    d.method = StepMethod::kPeriodic;
    d.description = fmt::format(
        "{}the kernel sequence repeats every {} kernels (one step per period)", nvtx_note, period);
    split_warmup(d);
    return d;
  }
  StepDetection window = window_detection(profile);
  window.description = nvtx_note + window.description;
  return window;
}

}  // namespace perfadvise
