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

TEST_CASE("a numbered NVTX family (step#0, step#1, ...) is the steps, each up to the next") {
  ProfileBuilder b;
  for (int i = 0; i < 6; ++i) {
    const TimeNs start = i * 1'000'000;
    // The range closes before the loop synchronizes: the GPU work runs after it.
    b.nvtx_range("step#" + std::to_string(i), start, start + 300'000);
    for (int l = 0; l < 4; ++l)  // numbered per step, repeating: not a loop of its own
      b.nvtx_range("layer" + std::to_string(l), start + l * 50'000, start + l * 50'000 + 40'000);
    b.launch("kernel_" + std::to_string(i), start + 1000, start + 5000, 900'000);
  }
  const Profile p = b.build();
  std::string family;
  const std::vector<Step> steps = numbered_nvtx_steps(p, &family);
  CHECK(family == "step#N");
  REQUIRE(steps.size() == 5);  // the last range has no successor
  CHECK(steps[0].start == 0);
  CHECK(steps[0].end == 1'000'000);
  CHECK(steps[4].name == "step#4");
  auto d = detect_steps(p, "");
  REQUIRE(d.ok());
  CHECK(d->method == StepMethod::kNvtx);
  CHECK(d->description.find("step#N") != std::string::npos);
  CHECK(d->warmup.size() + d->steps.size() == 5);
  // A user regex that matches nothing does not fall back to the family.
  auto user = detect_steps(p, "^train$");
  REQUIRE(user.ok());
  CHECK(user->method != StepMethod::kNvtx);
}

TEST_CASE("numbers that do not count up, or too few ranges, are no NVTX family") {
  ProfileBuilder b;
  const int numbers[] = {3, 1, 2, 7};
  for (int i = 0; i < 4; ++i)
    b.nvtx_range("iter " + std::to_string(numbers[i]), i * 100, i * 100 + 50);
  b.nvtx_range("epoch1", 1000, 2000);
  b.nvtx_range("epoch2", 2000, 3000);
  CHECK(numbered_nvtx_steps(b.build()).empty());
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
