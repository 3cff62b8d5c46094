// The run directory: where it goes, run.json, and where the collector library is found.
#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "collector/launcher/launcher.h"
#include "collector/process_info.h"
#include "profile/version.h"

namespace perfadvise::launcher {
namespace {

namespace fs = std::filesystem;

constexpr const char* kCollectorName = "libperfadvise_collector.so";

std::string iso_time(std::chrono::system_clock::time_point t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

int64_t unix_ns(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

Result<nlohmann::json> read_json(const std::string& path) {
  std::ifstream in(path);
  if (!in) return make_error("{}: cannot read", path);
  nlohmann::json json = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return make_error("{}: not valid JSON", path);
  return json;
}

Result<void> write_json(const std::string& path, const nlohmann::json& json) {
  std::ofstream out(path, std::ios::trunc);
  out << json.dump(2) << "\n";
  if (!out) return make_error("{}: cannot write", path);
  return {};
}

}  // namespace

Result<std::string> find_collector(const std::string& executable_path) {
  if (const char* env = std::getenv("PERFADVISE_COLLECTOR"); env != nullptr && *env != '\0') {
    if (!fs::is_regular_file(env)) {
      return make_error("PERFADVISE_COLLECTOR={}: no such file", env);
    }
    return fs::absolute(env).string();
  }
  std::error_code ec;
  const fs::path exe = fs::canonical(executable_path, ec);
  const fs::path dir = ec ? fs::absolute(executable_path).parent_path() : exe.parent_path();
  std::string looked;
  for (const fs::path& candidate : {dir / kCollectorName, dir / ".." / "bin" / kCollectorName,
                                    dir / ".." / "lib" / kCollectorName}) {
    if (fs::is_regular_file(candidate, ec)) return fs::weakly_canonical(candidate).string();
    looked += (looked.empty() ? "" : ", ") + candidate.lexically_normal().string();
  }
  return make_error("cannot find {} (looked in {}; set PERFADVISE_COLLECTOR)", kCollectorName,
                    looked);
}

Result<std::string> find_beside_collector(const std::string& collector_path,
                                          const std::string& name) {
  const fs::path path = fs::path(collector_path).parent_path() / name;
  std::error_code ec;
  if (!fs::exists(path, ec))
    return make_error("{}: missing (it ships with the collector)", path.string());
  return path.string();
}

std::string default_run_dir(const std::string& parent, std::chrono::system_clock::time_point t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm local{};
  localtime_r(&seconds, &local);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &local);
  const fs::path base = fs::path(parent) / (std::string("perfadvise-") + stamp);
  std::error_code ec;
  fs::path candidate = base;
  for (int n = 2; fs::exists(candidate, ec); ++n) {
    candidate = base.string() + "-" + std::to_string(n);
  }
  return candidate.string();
}

Result<std::string> prepare_run_dir(const RunOptions& options) {
  const auto now = std::chrono::system_clock::now();
  const std::string dir =
      options.output_dir.empty() ? default_run_dir(".", now) : options.output_dir;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return make_error("{}: cannot create the run directory ({})", dir, ec.message());
  nlohmann::json run;
  run["command"] = options.command;
  run["host"] = collector::host_name();
  run["start_time"] = iso_time(now);
  run["start_unix_ns"] = unix_ns(now);
  run["working_directory"] = fs::current_path(ec).string();
  run["tool_version"] = kToolVersion;
  run["collector"] = options.collector_path;
  if (!options.steps_regex.empty()) run["steps_regex"] = options.steps_regex;
  run["gemm_shapes"] = options.gemm_shapes;
  if (!options.torch_ops.empty()) run["torch_ops"] = options.torch_ops;
  if (options.kernel_lines > 0) run["kernel_lines"] = options.kernel_lines;
  PA_TRY(write_json(dir + "/run.json", run));
  return dir;
}

Result<void> finish_run_json(const std::string& run_dir, const RunResult& result) {
  const std::string path = run_dir + "/run.json";
  PA_ASSIGN_OR_RETURN(nlohmann::json run, read_json(path));
  const auto now = std::chrono::system_clock::now();
  run["end_time"] = iso_time(now);
  run["end_unix_ns"] = unix_ns(now);
  run["exit_code"] = result.exit_code;
  nlohmann::json processes = nlohmann::json::array();
  for (const TracedProcess& p : result.processes) {
    processes.push_back(
        {{"pid", p.pid}, {"name", p.name}, {"collector_loaded", p.collector_loaded}});
  }
  run["cuda_processes"] = processes;
  return write_json(path, run);
}

}  // namespace perfadvise::launcher
