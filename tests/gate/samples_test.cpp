// The recorded masked-loss samples (samples/manifest.json): the fixed run as the baseline and
// the unfixed run as the candidate must fail on the syncs that appeared, naming their lines.
#include <catch2/catch.hpp>

#include "analyzer/analyzer.h"
#include "gate/gate.h"
#include "gate/gate_source.h"

using namespace perfadvise;
using namespace perfadvise::gate;

namespace {

GateInput sample(const std::string& name) {
  auto input = load_gate_input(std::string(PERFADVISE_SAMPLES_DIR) + "/" + name, {});
  REQUIRE(input.ok());
  return std::move(input).value();
}

}  // namespace

TEST_CASE("samples: a recorded profile against itself passes") {
  GateInput in = sample("masked_loss_baseline.sqlite");
  auto r = compare(in, in, GateConfig{});
  REQUIRE(r.ok());
  CHECK(r->outcome == Outcome::kPass);
}

TEST_CASE("samples: masked loss fixed -> baseline fails on the syncs and names their lines") {
  auto r = compare(sample("masked_loss_fixed.sqlite"), sample("masked_loss_baseline.sqlite"),
                   GateConfig{});
  REQUIRE(r.ok());
  CHECK(r->outcome == Outcome::kRegression);
  const Check* syncs = nullptr;
  for (const Check& c : r->checks) {
    if (c.metric == "syncs.stream") syncs = &c;
  }
  REQUIRE(syncs != nullptr);
  CHECK(syncs->verdict == Verdict::kRegression);
  CHECK(syncs->baseline == 0);
  CHECK(syncs->candidate >= 3);
  size_t with_line = 0;
  for (const SyncSite& s : r->new_sync_sites) {
    if (s.location.find("masked_loss.py:") != std::string::npos) ++with_line;
  }
  CHECK(with_line >= 3);
  CHECK(syncs->evidence.size() == r->new_sync_sites.size());
}
