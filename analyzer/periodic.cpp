// Step detection from the period of the kernel-name sequence. A name that runs once per step
// recurs at a constant distance P (in kernels); the sequence then matches itself shifted by P.
// Candidates come from each name's median recurrence distance; the smallest distance whose
// self-match is as good as the best wins (a decode loop's layers repeat too, but only the token
// repeats everywhere). Steps start when the GPU went idle before the anchor kernel, so the
// pause before a step (data loading) belongs to the step it delays.
#include <algorithm>
#include <unordered_map>

#include "analyzer/steps.h"

namespace perfadvise {
namespace {

constexpr size_t kMinKernels = 16;
constexpr size_t kMinSteps = 3;
constexpr double kMinRegularity = 0.5;  // share of a name's recurrences exactly at its median
constexpr double kMinSelfMatch = 0.85;  // share of kernels equal to the kernel P later
constexpr double kMatchTolerance = 0.005;
constexpr size_t kSelfMatchSamples = 8192;
constexpr size_t kMaxCandidates = 64;
constexpr size_t kScanMaxPeriod = 8192;
constexpr size_t kScanSamples = 256;
constexpr size_t kScanCandidates = 8;

struct NameRecurrence {
  StringId name = 0;
  size_t count = 0;
  size_t median_gap = 0;
  double regularity = 0;
};

// Positions of each name in the sequence, grouped by name (a counting sort).
struct Positions {
  std::vector<uint32_t> offsets;  // name -> first slot in `slots`
  std::vector<uint32_t> slots;
};

Positions group_positions(const std::vector<StringId>& seq, size_t names) {
  Positions p;
  p.offsets.assign(names + 1, 0);
  for (StringId id : seq)
    ++p.offsets[id + 1];
  for (size_t i = 1; i <= names; ++i)
    p.offsets[i] += p.offsets[i - 1];
  p.slots.resize(seq.size());
  std::vector<uint32_t> next(p.offsets.begin(), p.offsets.end() - 1);
  for (uint32_t i = 0; i < seq.size(); ++i)
    p.slots[next[seq[i]]++] = i;
  return p;
}

std::vector<NameRecurrence> recurrences(const Positions& p, size_t n) {
  std::vector<NameRecurrence> out;
  std::vector<size_t> gaps;
  for (size_t name = 0; name + 1 < p.offsets.size(); ++name) {
    const size_t begin = p.offsets[name], end = p.offsets[name + 1];
    if (end - begin < kMinSteps) continue;
    gaps.clear();
    for (size_t i = begin + 1; i < end; ++i)
      gaps.push_back(p.slots[i] - p.slots[i - 1]);
    std::vector<size_t> sorted = gaps;
    std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
    const size_t median = sorted[sorted.size() / 2];
    if (median == 0 || median > n / kMinSteps) continue;
    const size_t exact = static_cast<size_t>(std::count(gaps.begin(), gaps.end(), median));
    const double regularity = double(exact) / double(gaps.size());
    if (regularity < kMinRegularity) continue;
    out.push_back({static_cast<StringId>(name), end - begin, median, regularity});
  }
  return out;
}

double self_match(const std::vector<StringId>& seq, size_t period,
                  size_t max_samples = kSelfMatchSamples) {
  const size_t range = seq.size() - period;
  const size_t samples = std::min(range, max_samples);
  size_t equal = 0;
  for (size_t s = 0; s < samples; ++s) {
    const size_t i = s * range / samples;
    equal += seq[i] == seq[i + period];
  }
  return samples ? double(equal) / double(samples) : 0;
}

// The smallest period whose self-match is within tolerance of the best; 0 when none repeats.
size_t choose_period(const std::vector<StringId>& seq, const std::vector<NameRecurrence>& names) {
  std::unordered_map<size_t, double> weight;  // period -> how many names support it
  for (const NameRecurrence& r : names)
    weight[r.median_gap] += r.regularity;
  std::vector<std::pair<double, size_t>> candidates;
  for (auto [period, w] : weight)
    candidates.emplace_back(w, period);
  std::sort(candidates.rbegin(), candidates.rend());
  if (candidates.size() > kMaxCandidates) candidates.resize(kMaxCandidates);
  // Names that run several times per step give no candidate; a cheap scan of short periods
  // covers them (a step of identical layers has no once-per-step name).
  std::vector<std::pair<double, size_t>> scanned;
  const size_t scan_max = std::min(seq.size() / kMinSteps, kScanMaxPeriod);
  for (size_t period = 1; period <= scan_max; ++period) {
    scanned.emplace_back(self_match(seq, period, kScanSamples), period);
  }
  std::sort(scanned.rbegin(), scanned.rend());
  for (size_t i = 0; i < scanned.size() && i < kScanCandidates; ++i) {
    candidates.emplace_back(0, scanned[i].second);
  }
  std::vector<std::pair<size_t, double>> scored;
  double best = 0;
  for (auto [w, period] : candidates) {
    const double score = self_match(seq, period);
    scored.emplace_back(period, score);
    best = std::max(best, score);
  }
  if (best < kMinSelfMatch) return 0;
  size_t chosen = 0;
  for (auto [period, score] : scored) {
    if (score >= best - kMatchTolerance && (chosen == 0 || period < chosen)) chosen = period;
  }
  return chosen;
}

// Without a once-per-step name, steps are blocks of `period` kernels; they start at the
// position (modulo the period) after which the GPU paused longest, summed over all periods.
size_t quietest_offset(const std::vector<Kernel>& kernels, size_t period) {
  std::vector<double> pause(period, 0);
  TimeNs busy_until = INT64_MIN;
  for (size_t i = 0; i < kernels.size(); ++i) {
    if (busy_until != INT64_MIN)
      pause[i % period] += double(std::max<TimeNs>(0, kernels[i].start - busy_until));
    busy_until = std::max(busy_until, kernels[i].end);
  }
  return size_t(std::max_element(pause.begin(), pause.end()) - pause.begin());
}

}  // namespace

std::vector<Step> periodic_steps(const Profile& profile, size_t* period_kernels) {
  const std::vector<Kernel>& kernels = profile.kernels;
  if (kernels.size() < kMinKernels) return {};
  std::vector<StringId> seq;
  seq.reserve(kernels.size());
  for (const Kernel& k : kernels)
    seq.push_back(k.name);
  const size_t names = profile.strings.size();
  for (StringId id : seq) {
    if (id >= names) return {};  // a corrupt string reference; the loader should prevent it
  }
  const std::vector<NameRecurrence> recurring =
      recurrences(group_positions(seq, names), seq.size());
  const size_t period = choose_period(seq, recurring);
  if (period == 0) return {};
  // Steps start after the longest GPU pause of the period (data loading, the host catching up).
  // When the kernel there runs once per step, its name anchors the steps, which tolerates
  // steps with a few more or fewer kernels; otherwise steps are blocks of `period` kernels.
  const size_t offset = quietest_offset(kernels, period);
  const size_t probe = (kernels.size() / 4 / period) * period + offset;
  StringId anchor = 0;
  for (const NameRecurrence& r : recurring) {
    if (probe < kernels.size() && r.name == kernels[probe].name && r.median_gap == period)
      anchor = r.name;
  }
  std::vector<TimeNs> boundaries;
  TimeNs busy_until = INT64_MIN;
  for (size_t i = 0; i < kernels.size(); ++i) {
    const Kernel& k = kernels[i];
    const bool starts_step = anchor != 0 ? k.name == anchor : i % period == offset;
    if (starts_step) {
      boundaries.push_back(busy_until == INT64_MIN ? k.start : std::min(k.start, busy_until));
    }
    busy_until = std::max(busy_until, k.end);
  }
  if (boundaries.size() < kMinSteps + 1) return {};
  std::vector<Step> steps;
  for (size_t i = 0; i + 1 < boundaries.size(); ++i) {
    steps.push_back(Step{boundaries[i], boundaries[i + 1], "step " + std::to_string(i)});
  }
  if (period_kernels) *period_kernels = period;
  return steps;
}

}  // namespace perfadvise
