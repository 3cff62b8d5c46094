// gate.json: precedence of defaults, families and metrics; every mistake is one clear error.
#include <catch2/catch.hpp>

#include <fstream>

#include "gate/gate_config.h"
#include "tests/support/temp_dir.h"

using namespace perfadvise;
using namespace perfadvise::gate;

namespace {

std::string error_of(const std::string& text) {
  auto config = parse_gate_config(text, "gate.json");
  REQUIRE_FALSE(config.ok());
  CHECK(config.error().message.rfind("gate.json: ", 0) == 0);
  CHECK(config.error().message.find('\n') == std::string::npos);
  return config.error().message;
}

}  // namespace

TEST_CASE("defaults come from the catalogue") {
  GateConfig config;
  CHECK(config.rule_for("wall_ms").enabled);
  CHECK(config.rule_for("wall_ms").min_effect_pct == 5);
  CHECK_FALSE(config.rule_for("idle_other_ms").enabled);
  CHECK(config.rule_for("graph_launches").direction == Direction::kEither);
  CHECK(config.rule_for("syncs.stream").tolerance == 0);
}

TEST_CASE("a metric entry overrides its family, which overrides the defaults") {
  auto config = parse_gate_config(R"({
    "alpha": 0.001, "min_effect_pct": 7, "min_steps": 20,
    "ignore_rules": ["GPU-IDLE"], "ignore_environment": ["torch_version"],
    "metrics": {
      "syncs": {"tolerance": 1},
      "syncs.device": {"tolerance": 0},
      "kernel_launches": {"tolerance_pct": 2},
      "category_ms": {"enabled": false},
      "wall_ms": {"min_effect_pct": 3, "min_effect_ms": 0.5}
    }})",
                                  "gate.json");
  REQUIRE(config.ok());
  CHECK(config->min_steps == 20);
  CHECK(config->ignore_rules.count("GPU-IDLE") == 1);
  CHECK(config->ignore_environment.count("torch_version") == 1);
  CHECK(config->rule_for("syncs.stream").tolerance == 1);
  CHECK(config->rule_for("syncs.device").tolerance == 0);
  CHECK(config->rule_for("kernel_launches").tolerance_pct == 2);
  CHECK_FALSE(config->rule_for("category_ms.gemm").enabled);
  CHECK(config->rule_for("wall_ms").min_effect_pct == 3);
  CHECK(config->rule_for("wall_ms").min_effect_ms == 0.5);
  CHECK(config->rule_for("wall_ms").alpha == 0.001);
  CHECK(config->rule_for("gpu_busy_ms").min_effect_pct == 7);
}

TEST_CASE("config mistakes are errors that name the key") {
  CHECK_THAT(error_of("{"), Catch::Contains("not valid JSON"));
  CHECK_THAT(error_of("[]"), Catch::Contains("JSON object"));
  CHECK_THAT(error_of(R"({"metrics": {"wall_time": {}}})"),
             Catch::Contains("unknown metric 'wall_time'"));
  CHECK_THAT(error_of(R"({"metrics": {"syncs.": {}}})"), Catch::Contains("unknown metric"));
  CHECK_THAT(error_of(R"({"metrics": {"wall_ms": {"tolerance": 1}}})"),
             Catch::Contains("exact counts only"));
  CHECK_THAT(error_of(R"({"metrics": {"syncs": {"alpha": 0.1}}})"),
             Catch::Contains("timings only"));
  CHECK_THAT(error_of(R"({"metrics": {"wall_ms": {"enabeld": true}}})"),
             Catch::Contains("unknown field 'metrics.wall_ms.enabeld'"));
  CHECK_THAT(error_of(R"({"metrics": {"wall_ms": {"enabled": "yes"}}})"),
             Catch::Contains("true or false"));
  CHECK_THAT(error_of(R"({"alpha": 2})"), Catch::Contains("alpha must be between"));
  CHECK_THAT(error_of(R"({"alpha": "0.01"})"), Catch::Contains("must be a number"));
  CHECK_THAT(error_of(R"({"treshold": 1})"), Catch::Contains("unknown key 'treshold'"));
  CHECK_THAT(error_of(R"({"metrics": {"syncs": {"direction": "up"}}})"),
             Catch::Contains("lower_is_better"));
}

TEST_CASE("an unreadable config file is an error naming it") {
  testing::TempDir dir;
  auto missing = load_gate_config(dir.file("gate.json"));
  REQUIRE_FALSE(missing.ok());
  CHECK_THAT(missing.error().message, Catch::StartsWith(dir.file("gate.json")));
  std::ofstream(dir.file("ok.json")) << R"({"metrics": {"syncs": {"tolerance": 2}}})";
  auto loaded = load_gate_config(dir.file("ok.json"));
  REQUIRE(loaded.ok());
  CHECK(loaded->rule_for("syncs.event").tolerance == 2);
}
