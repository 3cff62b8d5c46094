#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "analyzer/analyzer.h"
#include "profile/reader.h"
#include "tests/analyzer/scenarios.h"
#include "tests/support/temp_dir.h"

using namespace perfadvise;
using namespace perfadvise::testing;

TEST_CASE("analyze runs every process and ranks findings by saving") {
  const std::vector<Profile> profiles{masked_loss_training({.steps = 8}),
                                      eager_decode({.tokens = 20})};
  const auto a = analyze(profiles, {});
  REQUIRE(a.ok());
  REQUIRE(a->processes.size() == 2);
  CHECK(a->processes[0].profile == &profiles[0]);
  CHECK(a->processes[1].findings.front().process == 1);
  const std::vector<Finding> ranked = a->ranked_findings();
  for (size_t i = 1; i < ranked.size(); ++i) {
    CHECK(ranked[i - 1].estimated_saving_ms_per_step >= ranked[i].estimated_saving_ms_per_step);
  }
}

TEST_CASE("--min-saving drops small findings") {
  const std::vector<Profile> profiles{masked_loss_training({.steps = 8})};
  const auto all = analyze(profiles, {});
  const auto big = analyze(profiles, {.min_saving_ms = 1e6});
  REQUIRE(all.ok());
  REQUIRE(big.ok());
  CHECK_FALSE(all->processes[0].findings.empty());
  CHECK(big->processes[0].findings.empty());
}

TEST_CASE("an invalid --steps regex is an error, not an empty analysis") {
  const std::vector<Profile> profiles{masked_loss_training({.steps = 3})};
  CHECK_FALSE(analyze(profiles, {.steps_regex = "(("}).ok());
}

TEST_CASE("a profile written and loaded through the store analyzes the same") {
  TempDir dir;
  ProfileBuilder b;
  WorkloadSim sim(b);
  for (int i = 0; i < 6; ++i) {
    sim.kernel(kConvKernel, 300'000);
    sim.kernel(kAddKernel, 20'000);
    sim.blocking_copy(MemcpyKind::kDtoH, 8, {{"/x/loss.py", "f", 28}}, "aten::nonzero");
  }
  REQUIRE(b.write(dir.file("p.sqlite")).ok());
  auto loaded = load_profile(dir.file("p.sqlite"));
  REQUIRE(loaded.ok());
  const std::vector<Profile> from_file{std::move(loaded).value()};
  const std::vector<Profile> in_memory{b.build()};
  const auto a = analyze(from_file, {});
  const auto m = analyze(in_memory, {});
  REQUIRE(a.ok());
  REQUIRE(m.ok());
  REQUIRE(a->processes[0].findings.size() == m->processes[0].findings.size());
  for (size_t i = 0; i < a->processes[0].findings.size(); ++i) {
    CHECK(a->processes[0].findings[i].rule_id == m->processes[0].findings[i].rule_id);
  }
}

TEST_CASE("a profile's data problems are warnings in the analysis") {
  Profile sound = eager_decode({.tokens = 6});
  const auto clean = analyze({sound}, {});
  REQUIRE(clean.ok());
  CHECK(clean->processes[0].warnings.empty());

  Profile broken = eager_decode({.tokens = 6});
  broken.stats.dropped_records = 12;
  for (ApiCall& call : broken.api_calls)
    call.correlation_id = 133;
  broken.build_indexes();
  const auto a = analyze({broken}, {});
  REQUIRE(a.ok());
  const std::vector<std::string>& warnings = a->processes[0].warnings;
  REQUIRE(warnings.size() == 2);
  CHECK_THAT(warnings[0], Catch::Contains("dropped 12 records"));
  CHECK_THAT(warnings[1], Catch::Contains(fmt::format("{} API calls share correlation id 133",
                                                      broken.api_calls.size())));
}
