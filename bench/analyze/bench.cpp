// Times what `perfadvise analyze --format json` does on one profile: load, analyze (steps,
// metrics, every rule), write the JSON report; prints one table row with the peak RSS.
// Run one process per size (run.sh) so each peak RSS belongs to one size.
// Usage: analyze_bench PROFILE
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <sstream>

#include "analyzer/analyzer.h"
#include "profile/reader.h"
#include "reports/reporter.h"

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return double(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

}  // namespace

int main(int argc, char** argv) {
  using namespace perfadvise;
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s PROFILE\n", argv[0]);
    return 2;
  }
  auto t0 = std::chrono::steady_clock::now();
  auto loaded = load_profile(argv[1]);
  if (!loaded.ok()) return std::fprintf(stderr, "%s\n", loaded.error().message.c_str()), 2;
  std::vector<Profile> profiles;  // not a braced list: that would copy the whole profile
  profiles.push_back(std::move(loaded).value());
  const double load_s = seconds_since(t0);
  auto t1 = std::chrono::steady_clock::now();
  auto analysis = analyze(profiles, {});
  if (!analysis.ok()) return std::fprintf(stderr, "%s\n", analysis.error().message.c_str()), 2;
  const double analyze_s = seconds_since(t1);
  auto t2 = std::chrono::steady_clock::now();
  auto reporter = make_reporter("json");
  if (!reporter.ok()) return std::fprintf(stderr, "%s\n", reporter.error().message.c_str()), 2;
  std::ostringstream json;
  ReportOptions options;
  options.input_path = argv[1];
  if (auto r = (*reporter)->write(*analysis, options, json); !r.ok()) {
    return std::fprintf(stderr, "%s\n", r.error().message.c_str()), 2;
  }
  const double json_s = seconds_since(t2);
  std::printf("| %9zu | %6.2f | %7.2f | %5.2f | %6.2f | %8.0f | %5zu | %8zu |\n",
              profiles[0].kernels.size(), load_s, analyze_s, json_s, seconds_since(t0),
              peak_rss_mb(), analysis->processes[0].steps.steps.size(),
              analysis->processes[0].findings.size());
  return 0;
}
