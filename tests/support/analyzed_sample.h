// A committed sample profile (samples/manifest.json) loaded and analyzed with the default
// options, for tests that check rules against what was recorded on the GPU machine.
#pragma once

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "analyzer/analyzer.h"
#include "profile/reader.h"

namespace perfadvise::testing {

inline const std::string kSamplesDir = PERFADVISE_SAMPLES_DIR;

struct AnalyzedSample {
  std::vector<Profile> profiles;
  Analysis analysis;
};

inline AnalyzedSample analyze_sample(const std::string& file) {
  auto profile = load_profile(kSamplesDir + "/" + file);
  REQUIRE(profile.ok());
  AnalyzedSample out;
  out.profiles.push_back(std::move(profile).value());
  auto analysis = analyze(out.profiles, {});
  REQUIRE(analysis.ok());
  out.analysis = std::move(analysis).value();
  REQUIRE(out.analysis.processes.size() == 1);
  return out;
}

inline std::vector<Finding> findings_of(const AnalyzedSample& a, const std::string& rule) {
  std::vector<Finding> out;
  for (const Finding& f : a.analysis.processes[0].findings) {
    if (f.rule_id == rule) out.push_back(f);
  }
  return out;
}

}  // namespace perfadvise::testing
