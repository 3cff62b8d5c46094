// The launcher runs a command the way a shell would: exit codes and signal deaths come back,
// signals sent to the launcher reach the command, stdin and the working directory are the
// caller's, a missing command is exit 127; and the collector's environment is set.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "collector/launcher/launcher.h"
#include "collector/launcher/process_scan.h"
#include "collector/launcher/run_report.h"
#include "tests/support/temp_dir.h"

using namespace perfadvise;
using namespace perfadvise::launcher;
using namespace perfadvise::testing;

namespace {

RunResult run_sh(const TempDir& dir, const std::string& script) {
  RunOptions options;
  options.command = {"sh", "-c", script};
  options.collector_path = "/opt/perfadvise/libperfadvise_collector.so";
  options.steps_regex = "step.*";
  auto result = run_command(options, dir.path().string());
  REQUIRE(result.ok());
  return std::move(result).value();
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void write_file(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path) << text;
}

}  // namespace

TEST_CASE("the command's exit code comes back") {
  TempDir dir;
  CHECK(run_sh(dir, "exit 3").exit_code == 3);
  CHECK(run_sh(dir, "exit 0").exit_code == 0);
}

TEST_CASE("a command killed by a signal gives 128 + the signal, like a shell") {
  TempDir dir;
  CHECK(run_sh(dir, "kill -TERM $$").exit_code == 143);
  CHECK(run_sh(dir, "kill -KILL $$").exit_code == 137);
}

TEST_CASE("SIGINT sent to the launcher reaches the command") {
  TempDir dir;
  const std::string ready = dir.file("ready");
  std::thread sender([&] {
    for (int i = 0; i < 500 && !std::filesystem::exists(ready); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    kill(getpid(), SIGINT);
  });
  const RunResult result = run_sh(dir, "trap 'exit 0' INT; touch " + ready +
                                           "; i=0; while [ $i -lt 200 ]; do sleep "
                                           "0.05; i=$((i+1)); done; exit 9");
  sender.join();
  CHECK(result.exit_code == 0);
}

TEST_CASE("stdin passes through and the working directory is unchanged") {
  TempDir dir;
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  const int saved_stdin = dup(STDIN_FILENO);
  dup2(fds[0], STDIN_FILENO);
  close(fds[0]);
  REQUIRE(write(fds[1], "hello\n", 6) == 6);
  close(fds[1]);
  const RunResult result =
      run_sh(dir, "read line; [ \"$line\" = hello ] && pwd > " + dir.file("cwd"));
  dup2(saved_stdin, STDIN_FILENO);
  close(saved_stdin);
  CHECK(result.exit_code == 0);
  CHECK(read_file(dir.file("cwd")) == std::filesystem::current_path().string() + "\n");
}

TEST_CASE("the collector's environment reaches the command") {
  TempDir dir;
  const std::string expected_dir = std::filesystem::absolute(dir.path()).string();
  const RunResult result =
      run_sh(dir,
             "[ \"$CUDA_INJECTION64_PATH\" = /opt/perfadvise/libperfadvise_collector.so ] && "
             "[ \"$NVTX_INJECTION64_PATH\" = \"$CUDA_INJECTION64_PATH\" ] && "
             "[ \"$PERFADVISE_OUTPUT_DIR\" = '" +
                 expected_dir +
                 "' ] && "
                 "[ \"$PERFADVISE_STEPS\" = 'step.*' ]");
  CHECK(result.exit_code == 0);
}

TEST_CASE(
    "--measure-overhead hands its window and what it switches to the collector, and only then") {
  TempDir dir;
  RunOptions options;
  options.command = {"sh", "-c",
                     "[ \"$PERFADVISE_OVERHEAD_WINDOW_MS\" = 750 ] && "
                     "[ \"$PERFADVISE_OVERHEAD_OF\" = gemm-shapes ]"};
  options.collector_path = "/opt/perfadvise/libperfadvise_collector.so";
  options.overhead_window_ms = 750;
  options.overhead_of = "gemm-shapes";
  auto with = run_command(options, (dir.path() / "with").string());
  REQUIRE(with.ok());
  CHECK(with->exit_code == 0);
  options.command = {"sh", "-c",
                     "[ -z \"${PERFADVISE_OVERHEAD_WINDOW_MS+set}\" ] && "
                     "[ -z \"${PERFADVISE_OVERHEAD_OF+set}\" ]"};
  options.overhead_window_ms = 0;
  auto without = run_command(options, (dir.path() / "without").string());
  REQUIRE(without.ok());
  CHECK(without->exit_code == 0);
}

TEST_CASE("--launch-detail reaches the collector: sampled by default") {
  TempDir dir;
  RunOptions options;
  options.collector_path = "/opt/perfadvise/libperfadvise_collector.so";
  options.command = {"sh", "-c", "[ \"$PERFADVISE_LAUNCH_DETAIL\" = sampled ]"};
  auto sampled = run_command(options, (dir.path() / "sampled").string());
  REQUIRE(sampled.ok());
  CHECK(sampled->exit_code == 0);
  options.launch_detail = "all";
  options.command = {"sh", "-c", "[ \"$PERFADVISE_LAUNCH_DETAIL\" = all ]"};
  auto all = run_command(options, (dir.path() / "all").string());
  REQUIRE(all.ok());
  CHECK(all->exit_code == 0);
}

TEST_CASE("a command that does not exist is exit 127, one line, no run") {
  TempDir dir;
  RunOptions options;
  options.command = {"perfadvise-no-such-command-xyz", "--flag"};
  options.collector_path = "/nonexistent.so";
  auto result = run_command(options, dir.path().string());
  REQUIRE(result.ok());
  CHECK(result->exec_failed);
  CHECK(result->exit_code == kExitCommandNotFound);
}

TEST_CASE("run.json records the command, host and start, then the outcome") {
  TempDir dir;
  RunOptions options;
  options.command = {"python", "train.py", "--epochs", "1"};
  options.output_dir = dir.file("run");
  options.collector_path = "/x/libperfadvise_collector.so";
  auto prepared = prepare_run_dir(options);
  REQUIRE(prepared.ok());
  RunResult result;
  result.exit_code = 4;
  result.processes.push_back(TracedProcess{123, "python", true, false});
  REQUIRE(finish_run_json(*prepared, result).ok());
  auto run = nlohmann::json::parse(read_file(*prepared + "/run.json"));
  CHECK(run["command"][1] == "train.py");
  CHECK(run["exit_code"] == 4);
  CHECK(run["start_unix_ns"].get<int64_t>() > 0);
  CHECK(run["end_unix_ns"].get<int64_t>() >= run["start_unix_ns"].get<int64_t>());
  CHECK_FALSE(run["host"].get<std::string>().empty());
  CHECK(run["cuda_processes"][0]["pid"] == 123);
}

TEST_CASE("default run directories are timestamped and never reused") {
  TempDir dir;
  const auto t = std::chrono::system_clock::now();
  const std::string first = default_run_dir(dir.path().string(), t);
  CHECK(std::filesystem::path(first).filename().string().rfind("perfadvise-", 0) == 0);
  std::filesystem::create_directories(first);
  CHECK(default_run_dir(dir.path().string(), t) == first + "-2");
}

TEST_CASE("the process scan finds CUDA descendants and whether the collector was loaded") {
  TempDir proc;
  write_file(proc.file("100/stat"), "100 (python3) S 1 100 100 0");
  write_file(proc.file("100/comm"), "python3\n");
  write_file(proc.file("100/maps"),
             "7f00 r-xp 0 0 0 /usr/lib/x86_64-linux-gnu/libcuda.so.580.159.04\n"
             "7f01 r-xp 0 0 0 /opt/pa/bin/libperfadvise_collector.so\n");
  write_file(proc.file("101/stat"), "101 (pt_main thread) (x) S 100 100 100 0");
  write_file(proc.file("101/comm"), "worker\n");
  write_file(proc.file("101/maps"), "7f00 r-xp 0 0 0 /usr/lib/libcuda.so.1\n");
  write_file(proc.file("200/stat"), "200 (other) S 1 200 200 0");
  write_file(proc.file("200/maps"), "7f00 r-xp 0 0 0 /usr/lib/libcuda.so.1\n");
  CHECK(parent_of(proc.path().string(), 101) == 100);

  ProcessScanner scanner(100, proc.path().string());
  scanner.scan();
  const auto found = scanner.cuda_processes();
  REQUIRE(found.size() == 2);
  CHECK(found[0].collector_loaded);
  CHECK_FALSE(found[1].collector_loaded);
  CHECK(found[1].name == "worker");

  RunResult result;
  result.processes = found;
  const std::vector<StartMarker> markers{{100, "/r/profile.pid100.sqlite", "closed"}};
  const auto warnings = handshake_warnings(result, markers);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].find("process 101 (worker) loaded CUDA but the collector did NOT start") == 0);
}

TEST_CASE("markers report blocked, killed and failed collectors") {
  TempDir dir;
  write_file(dir.file("profile.pid5.sqlite.started"),
             "pid=5\nprofile=/r/profile.pid5.sqlite\nstatus=started\n");
  write_file(dir.file("profile.pid6.sqlite.started"),
             "pid=6\nprofile=/r/profile.pid6.sqlite\nstatus=blocked by Nsight Systems\n");
  write_file(dir.file("profile.pid7.sqlite.started"),
             "pid=7\nprofile=/r/profile.pid7.sqlite\nstatus=closed\n");
  const auto markers = read_markers(dir.path().string());
  REQUIRE(markers.size() == 3);
  CHECK(markers[1].status == "blocked by Nsight Systems");
  const auto warnings = handshake_warnings(RunResult{}, markers);
  REQUIRE(warnings.size() == 2);
  CHECK(warnings[0].find("never closed") != std::string::npos);
  CHECK(warnings[1].find("Nsight Systems") != std::string::npos);
}

TEST_CASE("find_collector honours PERFADVISE_COLLECTOR and says where it looked") {
  TempDir dir;
  write_file(dir.file("bin/libperfadvise_collector.so"), "");
  setenv("PERFADVISE_COLLECTOR", dir.file("bin/libperfadvise_collector.so").c_str(), 1);
  auto found = find_collector("/proc/self/exe");
  unsetenv("PERFADVISE_COLLECTOR");
  REQUIRE(found.ok());
  CHECK(found->find("libperfadvise_collector.so") != std::string::npos);
  write_file(dir.file("cli/perfadvise"), "");
  auto beside = find_collector(dir.file("cli/perfadvise"));
  REQUIRE(beside.ok());
  auto missing = find_collector(dir.file("elsewhere/deep/perfadvise"));
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().message.find("set PERFADVISE_COLLECTOR") != std::string::npos);
}

TEST_CASE("perfadvise run passes the exit code through and rejects bad flags") {
  TempDir dir;
  write_file(dir.file("libperfadvise_collector.so"), "");
  const std::string env = "PERFADVISE_COLLECTOR=" + dir.file("libperfadvise_collector.so");
  const std::string cli = std::string(PERFADVISE_CLI);
  const std::string out = dir.file("run");
  auto shell = [](const std::string& command) {
    const int status = std::system(command.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  };
  CHECK(shell(env + " " + cli + " run -o " + out + " -- sh -c 'exit 5' 2>/dev/null") == 5);
  CHECK(std::filesystem::exists(out + "/run.json"));
  CHECK(shell(env + " " + cli + " run --no-such-flag -- true 2>/dev/null") == 2);
  CHECK(shell(env + " " + cli + " run --steps '(' -- true 2>/dev/null") == 2);
  CHECK(shell(env + " " + cli + " run -o " + out + "2 -- perfadvise-no-such-cmd 2>/dev/null") ==
        127);
}
