#include "reports/paths.h"

#include <filesystem>
#include <system_error>
#include <vector>

namespace perfadvise {
namespace {

std::vector<std::string> absolute_files(const Analysis& analysis) {
  std::vector<std::string> files;
  for (const ProcessAnalysis& process : analysis.processes) {
    for (const Finding& f : process.findings) {
      for (const Location& l : f.locations) {
        if (l.file.starts_with("/")) files.push_back(l.file);
      }
    }
  }
  return files;
}

bool under(const std::string& file, const std::string& root) {
  return !root.empty() && file.size() > root.size() + 1 && file.starts_with(root) &&
         file[root.size()] == '/';
}

bool all_under(const std::vector<std::string>& files, const std::string& root) {
  for (const std::string& f : files) {
    if (!under(f, root)) return false;
  }
  return true;
}

std::string recorded_root(const Analysis& analysis) {
  for (const ProcessAnalysis& process : analysis.processes) {
    if (process.profile == nullptr) continue;
    const auto& extra = process.profile->provenance.extra;
    for (const char* key : {"working_directory", "cwd"}) {
      auto it = extra.find(key);
      if (it != extra.end() && it->second.starts_with("/")) return it->second;
    }
  }
  return "";
}

std::string common_directory(const std::vector<std::string>& files) {
  std::string common = files.front().substr(0, files.front().rfind('/'));
  for (const std::string& f : files) {
    while (!common.empty() && !under(f, common))
      common.resize(common.rfind('/'));
  }
  return common;  // "" when only "/" is shared
}

std::string trimmed(std::string dir) {
  while (dir.size() > 1 && dir.back() == '/')
    dir.pop_back();
  return dir;
}

}  // namespace

std::string display_root(const Analysis& analysis) {
  const std::vector<std::string> files = absolute_files(analysis);
  if (files.empty()) return "";
  std::string recorded = trimmed(recorded_root(analysis));
  if (all_under(files, recorded)) return recorded;
  std::error_code ec;
  std::string cwd = trimmed(std::filesystem::current_path(ec).string());
  if (!ec && all_under(files, cwd)) return cwd;
  return common_directory(files);
}

std::string relative_to(const std::string& file, const std::string& root) {
  return under(file, root) ? file.substr(root.size() + 1) : file;
}

}  // namespace perfadvise
