// Runs the analyzer on synthetic profiles and picks one rule's findings.
#pragma once

#include <string>
#include <vector>

#include "analyzer/analyzer.h"
#include "tests/analyzer/scenarios.h"

namespace perfadvise::testing {

inline std::vector<Finding> findings_of(const Profile& profile, const std::string& rule_id) {
  const std::vector<Profile> profiles{profile};
  auto analysis = analyze(profiles, {});
  std::vector<Finding> out;
  if (!analysis.ok()) return out;
  for (Finding& f : analysis->processes[0].findings) {
    if (f.rule_id == rule_id) out.push_back(std::move(f));
  }
  return out;
}

inline double median_step_ms(const Profile& profile) {
  const std::vector<Profile> profiles{profile};
  auto analysis = analyze(profiles, {});
  if (!analysis.ok() || analysis->processes[0].per_step.empty()) return 0;
  std::vector<double> walls;
  for (const StepMetrics& m : analysis->processes[0].per_step)
    walls.push_back(m.wall_ms);
  std::sort(walls.begin(), walls.end());
  return walls[walls.size() / 2];
}

/// A loop of `steps` steps; `body` adds one step's work to the simulator.
template <typename Body>
Profile loop(int steps, Body body) {
  ProfileBuilder b;
  WorkloadSim sim(b);
  for (int i = 0; i < steps; ++i)
    body(b, sim);
  return b.build();
}

}  // namespace perfadvise::testing
