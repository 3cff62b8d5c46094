// The baseline file round-trips, stays small and diffable, and rejects damage with one line.
#include <catch2/catch.hpp>

#include <fstream>

#include "gate/baseline_file.h"
#include "tests/gate/gate_fixtures.h"
#include "tests/support/temp_dir.h"

using namespace perfadvise;
using namespace perfadvise::gate;

namespace {

std::string error_of(const std::string& text) {
  auto parsed = parse_baseline(text, "base.json");
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.error().message.rfind("base.json: ", 0) == 0);
  CHECK(parsed.error().message.find('\n') == std::string::npos);
  return parsed.error().message;
}

}  // namespace

TEST_CASE("a baseline round-trips through its file") {
  testing::TempDir dir;
  GateInput input = fixtures::steady_input(50, 1);
  input.sync_sites.push_back(
      {"loss.py:28", "masked_loss", "aten::nonzero", "cudaStreamSynchronize", "stream", 1});
  input.findings.push_back({"SYNC-D2H", "loss.py:28", "1 sync per step"});
  REQUIRE(write_baseline(input, dir.file("base.json")).ok());
  auto read = read_baseline(dir.file("base.json"));
  REQUIRE(read.ok());
  CHECK(read->source == dir.file("base.json"));
  CHECK(read->environment == input.environment);
  CHECK(read->steps == 50);
  CHECK(read->processes == 1);
  CHECK(read->counts.at("syncs.stream").median == input.counts.at("syncs.stream").median);
  REQUIRE(read->timings.at("wall_ms").size() == 50);
  for (size_t i = 0; i < 50; ++i) {
    CHECK(read->timings.at("wall_ms")[i] == Approx(input.timings.at("wall_ms")[i]).margin(0.0005));
  }
  REQUIRE(read->sync_sites.size() == 1);
  CHECK(read->sync_sites[0].key() == input.sync_sites[0].key());
  REQUIRE(read->findings.size() == 1);
  CHECK(read->findings[0].key() == "SYNC-D2H@loss.py:28");
}

TEST_CASE("a baseline keeps each timing metric on one line") {
  std::string text = baseline_json(fixtures::steady_input(50, 1));
  size_t lines = std::count(text.begin(), text.end(), '\n');
  CHECK(lines < 80);
  CHECK(text.size() < 8000);
  CHECK_THAT(text, Catch::Contains("\"wall_ms\": ["));
}

TEST_CASE("damaged baselines are one-line errors") {
  const std::string good = baseline_json(fixtures::steady_input(20, 1));
  CHECK_THAT(error_of(good.substr(0, good.size() / 2)), Catch::Contains("not valid JSON"));
  CHECK_THAT(error_of("{\"format\": \"something-else\"}"),
             Catch::Contains("not a perfadvise gate baseline"));
  CHECK_THAT(error_of("[1, 2]"), Catch::Contains("not a perfadvise gate baseline"));
  std::string no_steps = good;
  no_steps.replace(no_steps.find("\"steps\""), 7, "\"stepz\"");
  CHECK_THAT(error_of(no_steps), Catch::Contains("lacks 'steps'"));
  std::string wrong_count = good;
  wrong_count.replace(wrong_count.find("\"steps\": 20"), 11, "\"steps\": 21");
  CHECK_THAT(error_of(wrong_count), Catch::Contains("samples for 21 steps"));
  std::string newer = good;
  newer.replace(newer.find("\"version\": 1"), 12, "\"version\": 9");
  CHECK_THAT(error_of(newer), Catch::Contains("newer"));
}

TEST_CASE("a missing baseline file is an error naming it") {
  testing::TempDir dir;
  auto read = read_baseline(dir.file("missing.json"));
  REQUIRE_FALSE(read.ok());
  CHECK_THAT(read.error().message, Catch::StartsWith(dir.file("missing.json")));
  CHECK_THAT(read.error().message, Catch::Contains("no such file"));
}
