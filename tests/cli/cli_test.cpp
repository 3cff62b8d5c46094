// The perfadvise executable as a user meets it: help, version, info, and bad input.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>

#include "tests/support/profile_builder.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

using namespace perfadvise::testing;

namespace {

CommandResult perfadvise_cli(const std::string& args) {
  return run_command(std::string(PERFADVISE_CLI) + " " + args);
}

void require_one_line_error(const CommandResult& r, const std::string& needle) {
  INFO("stderr: " << r.err << " stdout: " << r.out);
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK_THAT(r.err, Catch::Contains(needle));
}

}  // namespace

TEST_CASE("--version and --help") {
  auto version = perfadvise_cli("--version");
  CHECK(version.exit_code == 0);
  CHECK_THAT(version.out, Catch::StartsWith("perfadvise "));
  auto help = perfadvise_cli("--help");
  CHECK(help.exit_code == 0);
  CHECK_THAT(help.out, Catch::Contains("info"));
}

TEST_CASE("info prints provenance and counts, as text and JSON") {
  TempDir dir;
  ProfileBuilder b;
  b.launch("my_kernel", 0, 1000, 5000);
  REQUIRE(b.write(dir.file("p.sqlite")).ok());

  auto text = perfadvise_cli("info " + dir.file("p.sqlite"));
  REQUIRE(text.exit_code == 0);
  CHECK_THAT(text.out, Catch::Contains("NVIDIA H100 80GB HBM3"));
  CHECK_THAT(text.out, Catch::Contains("1 kernels"));

  auto json = perfadvise_cli("info --format json " + dir.file("p.sqlite"));
  REQUIRE(json.exit_code == 0);
  CHECK_THAT(json.out, Catch::Contains("\"kernels\": 1"));
  CHECK_THAT(json.out, Catch::Contains("\"schema_version\": 1"));
}

TEST_CASE("info on bad input: one line naming the problem, exit code 2") {
  TempDir dir;
  require_one_line_error(perfadvise_cli("info " + dir.file("missing.sqlite")), "no such file");
  require_one_line_error(perfadvise_cli("info " + dir.path().string()), "holds no profiles");
  std::ofstream(dir.file("text.sqlite")) << "not a database";
  require_one_line_error(perfadvise_cli("info " + dir.file("text.sqlite")), "not an SQLite file");
}

TEST_CASE("a wrong flag or a missing verb is exit code 2") {
  CHECK(perfadvise_cli("info --no-such-flag x").exit_code == 2);
  CHECK(perfadvise_cli("").exit_code == 2);
  CHECK(perfadvise_cli("frobnicate").exit_code == 2);
}

TEST_CASE("run: --overhead-of that cannot be measured is one line and exit code 2") {
  require_one_line_error(perfadvise_cli("run --overhead-of gemm-shapes -- true"),
                         "needs --measure-overhead");
  require_one_line_error(
      perfadvise_cli("run --measure-overhead --overhead-of gemm-shapes --no-gemm-shapes -- true"),
      "conflicts with --no-gemm-shapes");
  require_one_line_error(
      perfadvise_cli("run --measure-overhead --overhead-of kernel-lines -- true"),
      "needs --kernel-lines N");
  require_one_line_error(perfadvise_cli("run --measure-overhead --overhead-of kernels -- true"),
                         "--overhead-of");
}

TEST_CASE("run: --launch-detail is sampled or all") {
  require_one_line_error(perfadvise_cli("run --launch-detail some -- true"), "--launch-detail");
}

TEST_CASE("run: pausing all recording warns before the program starts; one capture does not") {
  TempDir dir;
  const auto all = perfadvise_cli("run -o " + dir.file("all") + " --measure-overhead -- true");
  CHECK(all.exit_code == 0);
  CHECK(all.err.rfind("perfadvise: WARNING: --measure-overhead switches CUPTI", 0) == 0);
  const auto one = perfadvise_cli("run -o " + dir.file("one") +
                                  " --measure-overhead --overhead-of kernel-lines --kernel-lines 4"
                                  " -- true");
  CHECK(one.exit_code == 0);
  CHECK(one.err.find("switches CUPTI") == std::string::npos);
}
