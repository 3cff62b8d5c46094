// The collector's window schedules: --measure-overhead's equal windows and the sampled launch
// detail's, as parsed from the environment the launcher sets.
#include <catch2/catch.hpp>

#include "collector/window_schedule.h"

using namespace perfadvise::collector;
using std::chrono::milliseconds;

TEST_CASE("launch detail: sampled by default, every launch with 'all'") {
  auto sampled = launch_detail_schedule(nullptr, nullptr);
  REQUIRE(sampled.has_value());
  CHECK(sampled->first_on == milliseconds(10000));
  CHECK(sampled->off == milliseconds(4000));
  CHECK(sampled->on == milliseconds(1000));
  CHECK(describe(*sampled) == "first 10000 ms, then 1000 ms in every 5000 ms");
  CHECK(launch_detail_schedule("sampled", "").has_value());
  CHECK_FALSE(launch_detail_schedule("all", nullptr).has_value());
  CHECK_FALSE(launch_detail_schedule("all", "0,100,100").has_value());
}

TEST_CASE("launch detail windows can be set in ms; anything malformed gives the default") {
  auto custom = launch_detail_schedule("sampled", "0,400,100");
  REQUIRE(custom.has_value());
  CHECK(custom->first_on == milliseconds(0));
  CHECK(custom->off == milliseconds(400));
  CHECK(custom->on == milliseconds(100));
  for (const char* bad :
       {"100", "1,2", "1,2,3,4", "a,b,c", "0,0,100", "0,100,0", "-1,5,5", "1,2,3x"}) {
    INFO(bad);
    auto parsed = launch_detail_schedule(nullptr, bad);
    REQUIRE(parsed.has_value());
    CHECK(parsed->first_on == kDefaultLaunchDetail.first_on);
    CHECK(parsed->on == kDefaultLaunchDetail.on);
  }
}

TEST_CASE("--measure-overhead windows: one positive length for on and off") {
  auto windows = overhead_schedule("250");
  REQUIRE(windows.has_value());
  CHECK(windows->first_on == milliseconds(250));
  CHECK(windows->off == milliseconds(250));
  CHECK(windows->on == milliseconds(250));
  CHECK_FALSE(overhead_schedule(nullptr).has_value());
  CHECK_FALSE(overhead_schedule("").has_value());
  CHECK_FALSE(overhead_schedule("0").has_value());
  CHECK_FALSE(overhead_schedule("12ms").has_value());
}
