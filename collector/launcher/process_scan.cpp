#include "collector/launcher/process_scan.h"

#include <dirent.h>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

namespace perfadvise::launcher {
namespace {

std::vector<pid_t> all_pids(const std::string& proc_root) {
  std::vector<pid_t> pids;
  DIR* dir = opendir(proc_root.c_str());
  if (dir == nullptr) return pids;
  while (const dirent* entry = readdir(dir)) {
    if (std::isdigit(static_cast<unsigned char>(entry->d_name[0]))) {
      pids.push_back(static_cast<pid_t>(std::atol(entry->d_name)));
    }
  }
  closedir(dir);
  return pids;
}

std::string comm_of(const std::string& proc_root, pid_t pid) {
  std::ifstream in(proc_root + "/" + std::to_string(pid) + "/comm");
  std::string name;
  std::getline(in, name);
  return name;
}

}  // namespace

pid_t parent_of(const std::string& proc_root, pid_t pid) {
  std::ifstream in(proc_root + "/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses; the last ')' ends it.
  const size_t close = stat.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream rest(stat.substr(close + 1));
  std::string state;
  long ppid = -1;
  rest >> state >> ppid;
  return static_cast<pid_t>(ppid);
}

void ProcessScanner::scan() {
  std::map<pid_t, pid_t> parents;
  for (pid_t pid : all_pids(proc_root_))
    parents[pid] = parent_of(proc_root_, pid);
  std::set<pid_t> descendants{root_};
  // Parents usually have smaller pids, but pids wrap: iterate until nothing changes.
  for (bool grew = true; grew;) {
    grew = false;
    for (const auto& [pid, parent] : parents) {
      if (descendants.count(parent) != 0 && descendants.insert(pid).second) grew = true;
    }
  }
  for (pid_t pid : descendants) {
    TracedProcess& p = seen_[pid];
    if (p.cuda_loaded && p.collector_loaded) continue;
    std::ifstream maps(proc_root_ + "/" + std::to_string(pid) + "/maps");
    if (!maps) continue;
    p.pid = pid;
    if (p.name.empty()) p.name = comm_of(proc_root_, pid);
    std::string line;
    while (std::getline(maps, line)) {
      if (line.find("/libcuda.so") != std::string::npos) p.cuda_loaded = true;
      if (line.find("libperfadvise_collector") != std::string::npos) p.collector_loaded = true;
    }
  }
}

std::vector<TracedProcess> ProcessScanner::cuda_processes() const {
  std::vector<TracedProcess> result;
  for (const auto& [pid, p] : seen_) {
    if (p.cuda_loaded) result.push_back(p);
  }
  return result;
}

}  // namespace perfadvise::launcher
