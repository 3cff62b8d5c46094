#include <catch2/catch.hpp>

#include <set>

#include "rules/registry.h"

using namespace perfadvise;

TEST_CASE("every catalogue rule is registered once, with its documentation embedded") {
  const std::set<std::string> expected{"SYNC-D2H",
                                       "SYNC-H2D",
                                       "SYNC-EXPLICIT",
                                       "MEMCPY-PAGEABLE",
                                       "MEMCPY-SYNC",
                                       "GPU-IDLE",
                                       "DATALOADER-STALL",
                                       "FP32-GEMM",
                                       "UNFUSED-ELEMENTWISE",
                                       "UNFUSED-ATTENTION",
                                       "GEMM-ALIGNMENT",
                                       "LAYOUT-COPIES",
                                       "MEMORY-BOUND-DECODE",
                                       "SMALL-GRID",
                                       "ALLOC-CHURN",
                                       "UNFUSED-OPTIMIZER"};
  std::set<std::string> ids;
  for (const auto& rule : all_rules()) {
    const std::string id(rule->id());
    INFO(id);
    CHECK(ids.insert(id).second);
    CHECK_FALSE(rule->title().empty());
    const std::string_view doc = rule_doc(id);
    REQUIRE_FALSE(doc.empty());
    CHECK(doc.find("# " + id) == 0);
    for (const char* section : {"## What it detects", "## Why it costs",
                                "## How the saving is estimated", "## The fix", "## Example"}) {
      CHECK(doc.find(section) != std::string_view::npos);
    }
  }
  CHECK(ids == expected);
  CHECK(find_rule("sync-d2h") != nullptr);
  CHECK(find_rule("NOPE") == nullptr);
  CHECK(rule_doc("NOPE").empty());
}
