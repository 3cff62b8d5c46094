// Profile store benchmark: write and load N kernel records, print a scaling table.
//   store_bench [N ...]        (default: 100000 1000000 4000000)
// Each size runs in a child process so that peak RSS is measured per size, not cumulatively.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "profile/reader.h"
#include "profile/writer.h"

namespace {

using namespace perfadvise;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;  // ru_maxrss is in KiB on Linux
}

// A training-like mix: 40 distinct kernel names, 3 streams, realistic grids and durations,
// timestamps on a 1.7e18 ns clock as CUPTI produces them.
std::vector<Kernel> make_kernels(size_t count, ProfileWriter& writer, TimeNs origin) {
  std::mt19937_64 rng(42);
  std::vector<StringId> names;
  for (int i = 0; i < 40; ++i) {
    names.push_back(writer.intern(fmt::format(
        "void at::native::vectorized_elementwise_kernel<4, at::native::op_{}<float>, "
        "std::array<char*, 3ul> >(int, at::native::op_{}<float>, std::array<char*, 3ul>)",
        i, i)));
  }
  std::vector<Kernel> kernels(count);
  TimeNs t = origin;
  for (size_t i = 0; i < count; ++i) {
    Kernel& k = kernels[i];
    TimeNs duration = 2'000 + static_cast<TimeNs>(rng() % 40'000);
    t += 1'000 + static_cast<TimeNs>(rng() % 3'000);
    k.start = t;
    k.end = t + duration;
    t += duration;
    k.name = names[rng() % names.size()];
    k.correlation_id = static_cast<uint32_t>(i * 3 + 1);
    k.stream = 7 + static_cast<uint32_t>(rng() % 3);
    k.grid_x = 1 + static_cast<uint32_t>(rng() % 4096);
    k.block_x = 128 << (rng() % 3);
    k.registers_per_thread = 16 + static_cast<uint32_t>(rng() % 64);
    k.static_shared_bytes = (rng() % 4) ? 0 : 4096;
  }
  return kernels;
}

int run_one(size_t count, const std::string& dir) {
  std::string path = fmt::format("{}/bench-{}.sqlite", dir, count);
  Provenance provenance;
  provenance.time_origin_ns = 1'763'000'000'000'000'000;
  auto writer = ProfileWriter::create(path, provenance);
  if (!writer.ok()) {
    fmt::print(stderr, "{}\n", writer.error().message);
    return 2;
  }
  std::vector<Kernel> kernels = make_kernels(count, **writer, provenance.time_origin_ns);

  auto start = Clock::now();
  constexpr size_t kBatch = 50'000;  // what the collector commits about once a second
  for (size_t i = 0; i < kernels.size(); ++i) {
    (*writer)->add(kernels[i]);
    if ((i + 1) % kBatch == 0 && !(*writer)->commit().ok()) return 2;
  }
  if (!(*writer)->close().ok()) return 2;
  double write_s = seconds_since(start);
  writer->reset();
  kernels = {};

  start = Clock::now();
  auto profile = load_profile(path);
  double load_s = seconds_since(start);
  if (!profile.ok() || profile->kernels.size() != count) {
    fmt::print(stderr, "load failed\n");
    return 2;
  }
  double bytes = static_cast<double>(std::filesystem::file_size(path));
  fmt::print("{:>10} {:>10.2f} {:>12.2f} {:>9.2f} {:>10.2f} {:>10.1f} {:>9.1f} {:>12.0f}\n", count,
             write_s, count / write_s / 1e6, load_s, bytes / 1e6, bytes / count, peak_rss_mb(),
             count / load_s);
  std::filesystem::remove(path);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<size_t> sizes;
  for (int i = 1; i < argc; ++i)
    sizes.push_back(std::strtoull(argv[i], nullptr, 10));
  if (sizes.empty()) sizes = {100'000, 1'000'000, 4'000'000};
  std::string dir = std::filesystem::temp_directory_path().string();

  fmt::print("{:>10} {:>10} {:>12} {:>9} {:>10} {:>10} {:>9} {:>12}\n", "kernels", "write s",
             "M records/s", "load s", "file MB", "B/kernel", "RSS MB", "loaded/s");
  std::fflush(stdout);
  for (size_t count : sizes) {
    pid_t child = fork();
    if (child == 0) {
      int code = run_one(count, dir);
      std::fflush(stdout);
      _exit(code);
    }
    int status = 0;
    waitpid(child, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return 1;
  }
  return 0;
}
