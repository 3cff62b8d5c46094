#include "collector/launcher/run_report.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include <fmt/format.h>

#include "profile/sqlite.h"

namespace perfadvise::launcher {
namespace {

namespace fs = std::filesystem;

StartMarker parse_marker(const fs::path& path) {
  StartMarker marker;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    const size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    const std::string key = line.substr(0, eq);
    const std::string value = line.substr(eq + 1);
    if (key == "pid") marker.pid = std::atoi(value.c_str());
    if (key == "profile") marker.profile = value;
    if (key == "status") marker.status = value;
  }
  return marker;
}

struct ProfileCounts {
  int64_t pid = 0, kernels = 0, copies = 0, syncs = 0, lost = 0;
  bool complete = false;
};

/// Counts with SQL rather than loading the profile: a long run holds millions of rows.
Result<ProfileCounts> count_profile(const std::string& path) {
  PA_ASSIGN_OR_RETURN(auto db, SqliteDb::open(path, SqliteDb::Mode::kReadOnly));
  auto scalar = [&](std::string_view sql) -> Result<int64_t> {
    PA_ASSIGN_OR_RETURN(SqliteStatement statement, db->prepare(sql));
    PA_ASSIGN_OR_RETURN(bool row, statement.step());
    return row && !statement.is_null(0) ? statement.int64(0) : 0;
  };
  auto meta = [&](const char* key) {
    return fmt::format("SELECT CAST(value AS INTEGER) FROM meta WHERE key = '{}'", key);
  };
  ProfileCounts c;
  PA_ASSIGN_OR_RETURN(c.kernels, scalar("SELECT COUNT(*) FROM kernel"));
  PA_ASSIGN_OR_RETURN(c.copies, scalar("SELECT COUNT(*) FROM memcpy"));
  PA_ASSIGN_OR_RETURN(c.syncs, scalar("SELECT COUNT(*) FROM sync"));
  PA_ASSIGN_OR_RETURN(c.pid, scalar(meta("pid")));
  PA_ASSIGN_OR_RETURN(const int64_t dropped, scalar(meta("stats.dropped_records")));
  PA_ASSIGN_OR_RETURN(const int64_t zero, scalar(meta("stats.zero_timestamp_records")));
  PA_ASSIGN_OR_RETURN(const int64_t complete, scalar(meta("complete")));
  c.lost = dropped + zero;
  c.complete = complete == 1;
  return c;
}

}  // namespace

std::vector<StartMarker> read_markers(const std::string& run_dir) {
  std::vector<StartMarker> markers;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(run_dir, ec)) {
    if (entry.path().extension() == ".started") markers.push_back(parse_marker(entry.path()));
  }
  std::sort(markers.begin(), markers.end(),
            [](const StartMarker& a, const StartMarker& b) { return a.pid < b.pid; });
  return markers;
}

std::vector<std::string> handshake_warnings(const RunResult& result,
                                            const std::vector<StartMarker>& markers) {
  std::vector<std::string> warnings;
  std::set<int> started;
  for (const StartMarker& m : markers) {
    started.insert(m.pid);
    if (m.status.rfind("blocked by", 0) == 0) {
      warnings.push_back(
          fmt::format("process {} was NOT traced: another CUPTI client holds the GPU ({}); stop it "
                      "(torch.profiler, Nsight) and run again",
                      m.pid, m.status.substr(11)));
    } else if (m.status == "started") {
      warnings.push_back(fmt::format(
          "process {} never closed its profile (killed?): {} holds all but its last second", m.pid,
          m.profile));
    } else if (m.status == "failed") {
      warnings.push_back(
          fmt::format("process {} could not finish writing {}: see the collector's messages above",
                      m.pid, m.profile));
    }
  }
  for (const TracedProcess& p : result.processes) {
    // A fork()ed child inherits the collector's mapping and CUDA's, and rightly records
    // nothing; a process with CUDA and without the collector ran untraced.
    if (!p.collector_loaded && started.count(p.pid) == 0) {
      warnings.push_back(fmt::format(
          "process {} ({}) loaded CUDA but the collector did NOT start in it: it ran untraced "
          "(could libperfadvise_collector.so or libcupti.so.13 not be loaded there?)",
          p.pid, p.name));
    }
  }
  return warnings;
}

Result<std::string> recorded_summary(const std::string& run_dir) {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(run_dir, ec)) {
    if (entry.path().extension() == ".sqlite") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    return fmt::format("perfadvise: no profiles were recorded in {} (did the program use CUDA?)\n",
                       run_dir);
  }
  std::string text = fmt::format("perfadvise: recorded {} profile{} in {}\n", files.size(),
                                 files.size() == 1 ? "" : "s", run_dir);
  text += fmt::format("  {:>8} {:>9} {:>7} {:>7} {:>8}  {}\n", "pid", "kernels", "copies", "syncs",
                      "lost", "profile");
  for (const std::string& file : files) {
    PA_ASSIGN_OR_RETURN(ProfileCounts c, count_profile(file));
    text +=
        fmt::format("  {:>8} {:>9} {:>7} {:>7} {:>8}  {}{}\n", c.pid, c.kernels, c.copies, c.syncs,
                    c.lost, file, c.complete ? "" : "  (incomplete: the process was killed)");
  }
  return text;
}

}  // namespace perfadvise::launcher
