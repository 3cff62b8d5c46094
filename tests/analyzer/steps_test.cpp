#include <catch2/catch.hpp>

#include "analyzer/steps.h"
#include "tests/analyzer/scenarios.h"

using namespace perfadvise;
using namespace perfadvise::testing;

TEST_CASE("ProfilerStep NVTX ranges are the steps by default, first step is warm-up") {
  const Profile p = masked_loss_training({.steps = 8, .nvtx = true});
  auto d = detect_steps(p, "");
  REQUIRE(d.ok());
  CHECK(d->method == StepMethod::kNvtx);
  CHECK(d->warmup.size() >= 1);
  CHECK(d->warmup.size() + d->steps.size() == 8);
  CHECK(d->steps.back().name == "ProfilerStep#7");
}

TEST_CASE("a user regex picks other NVTX ranges; an invalid one is an error") {
  ProfileBuilder b;
  for (int i = 0; i < 6; ++i) {
    b.nvtx_range("train_step", i * 1'000'000, i * 1'000'000 + 900'000);
    b.nvtx_range("forward", i * 1'000'000 + 10, i * 1'000'000 + 500'000);  // nested: ignored
  }
  const Profile p = b.build();
  auto d = detect_steps(p, "^train_step$");
  REQUIRE(d.ok());
  CHECK(d->method == StepMethod::kNvtx);
  CHECK(d->warmup.size() + d->steps.size() == 6);
  CHECK_FALSE(detect_steps(p, "([").ok());
}

TEST_CASE("without NVTX a training loop is split by the period of its kernels") {
  const Profile p = masked_loss_training({.steps = 10});
  size_t period = 0;
  const std::vector<Step> steps = periodic_steps(p, &period);
  CHECK(steps.size() == 9);  // the last, open-ended period is not a step
  CHECK(period == p.kernels.size() / 10);
  auto d = detect_steps(p, "");
  REQUIRE(d.ok());
  CHECK(d->method == StepMethod::kPeriodic);
  CHECK(d->description.find("repeats every") != std::string::npos);
}

TEST_CASE("a decode loop's step is one token, not one layer") {
  const Profile p = eager_decode({.tokens = 30, .layers = 16});
  size_t period = 0;
  const std::vector<Step> steps = periodic_steps(p, &period);
  CHECK(period == p.kernels.size() / 30);
  CHECK(steps.size() == 29);
}

TEST_CASE("without NVTX or a period the steady state is one window after warm-up") {
  ProfileBuilder b;
  for (int i = 0; i < 20; ++i) {
    b.launch("kernel_" + std::to_string(i), i * 100'000, i * 100'000 + 5000, 50'000);
  }
  const Profile p = b.build();
  auto d = detect_steps(p, "");
  REQUIRE(d.ok());
  CHECK(d->method == StepMethod::kWindow);
  REQUIRE(d->steps.size() == 1);
  REQUIRE(d->warmup.size() == 1);
  CHECK(d->steps[0].start == d->warmup[0].end);
}

TEST_CASE("an empty profile has no steps and no error") {
  const Profile p = ProfileBuilder().build();
  auto d = detect_steps(p, "");
  REQUIRE(d.ok());
  CHECK(d->steps.empty());
}

TEST_CASE("slow leading steps are warm-up") {
  StepDetection d;
  const TimeNs walls[] = {90, 50, 10, 10, 11, 10, 10, 10};
  TimeNs t = 0;
  for (TimeNs w : walls)
    d.steps.push_back(Step{t, t + w, ""}), t += w;
  split_warmup(d);
  CHECK(d.warmup.size() == 2);
  CHECK(d.steps.size() == 6);
}
