#include "analyzer/recording_overhead.h"

#include <algorithm>

#include "analyzer/collector_ranges.h"
#include "analyzer/spread.h"

namespace perfadvise {
namespace {

double wall_ms(const Step& s) {
  return double(s.end - s.start) / 1e6;
}

bool inside(const Step& step, const Step& window) {
  return step.start >= window.start && step.end <= window.end;
}

double median(std::vector<double> values) {
  return spread_of(std::move(values)).median;
}

// For each pause: the median step inside it against the median step of the recorded window just
// before it. Neighbouring windows share the machine's state, so each pair is a clean A/B.
std::vector<double> pair_ratios(const std::vector<Step>& steps, const std::vector<Step>& pauses) {
  std::vector<double> ratios;
  TimeNs recorded_from = steps.empty() ? 0 : steps.front().start;
  size_t next = 0;  // steps and pauses are both time-sorted: one pass over the steps
  for (const Step& pause : pauses) {
    std::vector<double> before, during;
    for (; next < steps.size() && steps[next].start < pause.end; ++next) {
      const Step& s = steps[next];
      if (s.start >= recorded_from && s.end <= pause.start) before.push_back(wall_ms(s));
      if (inside(s, pause)) during.push_back(wall_ms(s));
    }
    const double paused = median(during);
    if (!before.empty() && !during.empty() && paused > 0) {
      ratios.push_back(median(before) / paused);
    }
    recorded_from = pause.end;
  }
  return ratios;
}

}  // namespace

std::optional<RecordingOverhead> split_paused_steps(const Profile& profile, StepDetection& steps) {
  const std::vector<Step> pauses = collector_ranges(profile, kRecordingPausedRange);
  if (pauses.empty()) return std::nullopt;
  RecordingOverhead overhead;
  if (auto of = profile.provenance.extra.find("collector.overhead_of");
      of != profile.provenance.extra.end()) {
    overhead.of = of->second;
  }
  if (steps.method != StepMethod::kNvtx) {
    // Periodic and window steps come from kernels, which paused windows do not have.
    overhead.note =
        "--measure-overhead needs NVTX step ranges (ProfilerStep#N or --steps REGEX): without "
        "recording there are no kernels to find steps in";
    return overhead;
  }
  const std::vector<Step> all = steps.steps;
  std::vector<Step> recorded;
  std::vector<double> recorded_ms, paused_ms;
  for (const Step& s : all) {
    switch (coverage_by(s, pauses)) {
      case Coverage::kOutside:
        recorded.push_back(s);
        recorded_ms.push_back(wall_ms(s));
        break;
      case Coverage::kInside:
        paused_ms.push_back(wall_ms(s));
        break;
      case Coverage::kAcross:
        break;  // half traced: belongs to neither side
    }
  }
  steps.steps = std::move(recorded);
  overhead.recorded_steps = recorded_ms.size();
  overhead.paused_steps = paused_ms.size();
  overhead.recorded_step_ms = spread_of(recorded_ms);
  overhead.paused_step_ms = spread_of(paused_ms);
  const std::vector<double> ratios = pair_ratios(all, pauses);
  overhead.window_pairs = ratios.size();
  overhead.pair_ratio = spread_of(ratios);
  if (recorded_ms.empty() || paused_ms.empty() || overhead.paused_step_ms.median <= 0) {
    overhead.note =
        "no complete step fell inside both a recorded and a paused window; use a "
        "longer --overhead-window";
    return overhead;
  }
  overhead.pooled_ratio = overhead.recorded_step_ms.median / overhead.paused_step_ms.median;
  // Neighbouring windows cancel the machine's drift; pooled medians do not.
  overhead.ratio = ratios.empty() ? overhead.pooled_ratio : overhead.pair_ratio.median;
  return overhead;
}

}  // namespace perfadvise
