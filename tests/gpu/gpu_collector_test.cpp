// GPU tests of the collector through `perfadvise run` (label gpu; skipped with exit code 77 and
// a loud line where there is no GPU). Paths can be overridden from the environment so a build
// carried to the GPU machine runs from wherever the tree lands (tests/gpu/gpu_test_support.h).
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "profile/reader.h"
#include "tests/gpu/gpu_test_support.h"

using namespace perfadvise;
using namespace perfadvise::testing;
namespace fs = std::filesystem;

namespace {

std::string cli() {
  return env_or("PERFADVISE_CLI", PERFADVISE_CLI);
}
std::string gpu_bin() {
  return env_or("PERFADVISE_GPU_BIN", PERFADVISE_GPU_BIN_DIR);
}
std::string gpu_src() {
  return env_or("PERFADVISE_GPU_SRC", PERFADVISE_GPU_SRC_DIR);
}

std::string base_name(const std::string& path) {
  return fs::path(path).filename().string();
}

/// Call-site lines in `file_name` (user frames), by line number -> count.
std::map<uint32_t, int> user_lines(const Profile& p, const std::string& file_name) {
  std::map<uint32_t, int> lines;
  for (const CallSite& site : p.call_sites) {
    if (site.user_frame == 0) continue;
    const Frame& f = p.frames[site.user_frame - 1];
    if (base_name(p.strings[f.file]) == file_name) ++lines[f.line];
  }
  return lines;
}

void check_sync_lines(const Profile& p, const std::string& expect_file) {
  std::ifstream in(expect_file);
  const auto expected = nlohmann::json::parse(in);
  const auto found = user_lines(p, "masked_loss.py");
  for (const auto& [tag, line] : expected["lines"].items()) {
    INFO("sync tag " << tag << " at masked_loss.py:" << line.get<int>());
    CHECK(found.count(line.get<uint32_t>()) == 1);
  }
}

}  // namespace

// Runs before Catch's main: without a GPU the whole binary is skipped (CTest: exit code 77).
[[maybe_unused]] const bool kHaveGpu = testing::require_gpu_or_skip();

TEST_CASE("plain CUDA program: exact kernels, copies, memsets, syncs and call sites") {
  const std::string dir = run_dir("plain_cuda");
  REQUIRE(shell(cli() + " run -o " + dir + " -- " + gpu_bin() + "/plain_cuda") == 0);
  const Profile p = only_profile(dir);
  CHECK(p.provenance.complete);
  CHECK(p.stats.dropped_records == 0);
  CHECK(p.stats.zero_timestamp_records == 0);
  CHECK_FALSE(p.provenance.cupti_version.empty());
  CHECK_FALSE(p.provenance.driver_version.empty());
  CHECK_FALSE(p.provenance.hostname.empty());
  CHECK(p.provenance.command.find("plain_cuda") != std::string::npos);
  REQUIRE_FALSE(p.devices.empty());
  CHECK(p.devices[0].sm_count > 0);
  CHECK(p.devices[0].peak_bandwidth_bytes_per_s > 1e11);

  std::map<std::string, int> kernels;
  for (const Kernel& k : p.kernels)
    ++kernels[p.strings[k.name]];
  CHECK(p.kernels.size() == 13);
  CHECK(kernels["(anonymous namespace)::scale(float*, int, float)"] == 10);
  CHECK(kernels["(anonymous namespace)::add_one(float*, int)"] == 3);

  std::map<std::pair<MemcpyKind, MemoryKind>, int> copies;
  for (const Memcpy& m : p.memcpys) {
    ++copies[{m.kind, m.kind == MemcpyKind::kHtoD ? m.src_kind : m.dst_kind}];
  }
  CHECK(p.memcpys.size() == 6);
  CHECK(copies[{MemcpyKind::kHtoD, MemoryKind::kPageable}] == 1);
  CHECK(copies[{MemcpyKind::kHtoD, MemoryKind::kPinned}] == 2);
  CHECK(copies[{MemcpyKind::kDtoH, MemoryKind::kPageable}] == 1);
  CHECK(copies[{MemcpyKind::kDtoH, MemoryKind::kPinned}] == 2);
  CHECK(p.memsets.size() == 2);

  std::map<SyncType, int> syncs;
  for (const Sync& s : p.syncs)
    ++syncs[s.type];
  CHECK(syncs[SyncType::kStreamSynchronize] == 3);
  CHECK(syncs[SyncType::kContextSynchronize] == 1);
  CHECK(syncs[SyncType::kEventSynchronize] == 1);

  std::map<std::string, int> ops;
  for (const CallSite& site : p.call_sites) {
    ++ops[p.strings[site.op]];
    CHECK(site.stack == 0);  // no Python in this process
    CHECK(p.api_by_correlation.find(site.correlation_id) != CorrelationIndex::kNone);
  }
  CHECK(p.call_sites.size() == 11);
  CHECK(ops["wait_for_stream"] == 3);
  CHECK(ops["pinned_copy_back"] == 2);
  CHECK(ops["pageable_copy_back"] == 1);
  CHECK(ops["wait_for_event"] == 1);
  CHECK(ops["wait_for_device"] == 1);
  CHECK(ops["main"] == 3);
  // Every sync record joins the runtime call that made it (and so its call site).
  for (const Sync& s : p.syncs) {
    CHECK(p.call_site_by_correlation.find(s.correlation_id) != CorrelationIndex::kNone);
  }
}

TEST_CASE("PyTorch syncs carry the exact source lines; NVTX ranges arrive") {
  const std::string dir = run_dir("torch_syncs");
  const std::string expect = dir + ".expect.json";
  REQUIRE(shell("timeout 300 " + cli() + " run -o " + dir + " -- python3 " + gpu_src() +
                "/masked_loss.py --steps 4 --batch 8 --sync-probes --expect-out " + expect) == 0);
  const Profile p = only_profile(dir);
  CHECK(p.provenance.complete);
  check_sync_lines(p, expect);
  int steps = 0;
  for (const NvtxEvent& e : p.nvtx)
    steps += p.strings[e.name].rfind("step#", 0) == 0;
  CHECK(steps == 4);
  CHECK(p.stats.dropped_records == 0);
}

TEST_CASE("DataLoader workers (8, pinned memory) and backward-thread syncs do not deadlock") {
  const std::string dir = run_dir("torch_workers");
  const std::string expect = dir + ".expect.json";
  REQUIRE(shell("timeout 300 " + cli() + " run -o " + dir + " -- python3 " + gpu_src() +
                "/masked_loss.py --steps 6 --batch 8 --workers 8 --sync-probes --expect-out " +
                expect) == 0);
  const Profile p = only_profile(dir);  // workers never touch CUDA: one profile
  CHECK(p.provenance.complete);
  check_sync_lines(p, expect);
  std::set<uint32_t> threads;
  for (const CallSite& site : p.call_sites)
    threads.insert(site.thread_id);
  CHECK(threads.size() >= 2);  // main thread and autograd's device thread
}

TEST_CASE("SIGTERM in the middle of a run leaves a valid profile and exit code 143") {
  const std::string dir = run_dir("sigterm");
  const std::string perfadvise = cli();
  const std::string script = gpu_src() + "/decode_loop.py";
  const pid_t launcher = fork();
  REQUIRE(launcher >= 0);
  if (launcher == 0) {
    const int null_fd = open("/dev/null", O_WRONLY);
    dup2(null_fd, STDOUT_FILENO);
    execl(perfadvise.c_str(), "perfadvise", "run", "-o", dir.c_str(), "--", "python3",
          script.c_str(), "--seconds", "120", static_cast<char*>(nullptr));
    _exit(127);
  }
  // Wait for the collector to start, then give it a few seconds of decoding.
  for (int i = 0; i < 600; ++i) {
    bool started = false;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      started |= entry.path().extension() == ".started";
    }
    if (started) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::this_thread::sleep_for(std::chrono::seconds(8));
  REQUIRE(kill(launcher, SIGTERM) == 0);  // forwarded by the launcher to python
  int status = 0;
  waitpid(launcher, &status, 0);
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  CHECK(code == 143);
  const Profile p = only_profile(dir);
  CHECK(p.provenance.complete);  // closed by the collector's SIGTERM handler
  CHECK(p.kernels.size() > 1000);
}
