// report_bench [KERNELS] [OUT_DIR]: builds a synthetic profile with KERNELS kernels (default 1M),
// each with its cudaLaunchKernel call, one step per 1000 kernels, and times every trace/report
// writer on it. Prints one line per format: seconds and output size. The budget (issue 5):
// perfetto <= 5 s and html <= 50 MB at 1M kernels.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include <fmt/format.h>

#include "reports/reporter.h"

using namespace perfadvise;

namespace {

Profile synthetic_profile(uint32_t kernels) {
  Profile p;
  p.path = "synthetic.sqlite";
  p.provenance.pid = 4242;
  p.devices.push_back(Device{0, "synthetic GPU", 132});
  StringId launch = p.strings.add("cudaLaunchKernel");
  std::vector<StringId> names;
  for (int i = 0; i < 200; ++i)
    names.push_back(p.strings.add(fmt::format("void kernel_{}<float>", i)));
  p.kernels.reserve(kernels);
  p.api_calls.reserve(kernels);
  for (uint32_t i = 0; i < kernels; ++i) {
    TimeNs t = TimeNs{i} * 10'000;
    p.api_calls.push_back(ApiCall{t, t + 2000, i + 1, 1000, 211, launch, 0, ApiDomain::kRuntime});
    Kernel k;
    k.start = t + 5000;
    k.end = t + 12'000;  // overlaps the next kernel now and then: exercises the lanes
    k.name = names[i % names.size()];
    k.correlation_id = i + 1;
    k.stream = 7 + (i % 3 == 0);
    p.kernels.push_back(k);
  }
  p.build_indexes();
  return p;
}

Analysis synthetic_analysis(const Profile& p) {
  ProcessAnalysis process;
  process.profile = &p;
  process.steps.method = StepMethod::kPeriodic;
  process.steps.description = "synthetic: 1000 kernels per step";
  for (size_t i = 0; i + 1000 <= p.kernels.size(); i += 1000) {
    Step step{p.api_calls[i].start, p.kernels[i + 999].end, fmt::format("step {}", i / 1000)};
    StepMetrics m;
    m.wall_ms = (step.end - step.start) / 1e6;
    m.gpu_busy_ms = m.wall_ms * 0.7;
    m.kernel_launches = 1000;
    process.steps.steps.push_back(step);
    process.per_step.push_back(m);
  }
  Analysis analysis;
  analysis.processes.push_back(process);
  return analysis;
}

}  // namespace

int main(int argc, char** argv) {
  uint32_t kernels = argc > 1 ? static_cast<uint32_t>(std::atol(argv[1])) : 1'000'000;
  std::string dir = argc > 2 ? argv[2] : "/tmp";
  auto t0 = std::chrono::steady_clock::now();
  Profile profile = synthetic_profile(kernels);
  Analysis analysis = synthetic_analysis(profile);
  auto seconds = [](auto since) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
  };
  fmt::print("synthetic profile: {} kernels, {} API calls, built in {:.2f} s\n", kernels,
             profile.api_calls.size(), seconds(t0));
  for (const char* format : {"perfetto", "chrome", "html"}) {
    std::string path = fmt::format("{}/report_bench.{}", dir, format);
    auto reporter = make_reporter(format);
    std::ofstream out(path, std::ios::binary);
    auto start = std::chrono::steady_clock::now();
    auto written = (*reporter)->write(analysis, {}, out);
    out.close();
    double elapsed = seconds(start);
    if (!written.ok()) {
      fmt::print(stderr, "{}: {}\n", format, written.error().message);
      return 1;
    }
    std::ifstream size_of(path, std::ios::binary | std::ios::ate);
    fmt::print("{:<9} {:6.2f} s  {:8.1f} MB  {}\n", format, elapsed, size_of.tellg() / 1e6, path);
  }
  return 0;
}
