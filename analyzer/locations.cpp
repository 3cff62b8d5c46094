#include "analyzer/locations.h"

#include <fstream>

#include <fmt/format.h>

namespace perfadvise {

bool is_library_frame(const std::string& file) {
  for (const char* marker :
       {"/torch/", "/site-packages/", "/dist-packages/", "/lib/python", "<frozen", "<built-in"}) {
    if (file.find(marker) != std::string::npos) return true;
  }
  return false;
}

std::string LocationResolver::key_of(const Location& location) {
  if (!location.file.empty()) return fmt::format("{}:{}", location.file, location.line);
  return location.op;
}

const std::string& LocationResolver::source_line(const std::string& file, uint32_t line) const {
  static const std::string kEmpty;
  auto it = sources_.find(file);
  if (it == sources_.end()) {
    std::vector<std::string> lines;
    std::ifstream in(file);
    for (std::string text; lines.size() < 200000 && std::getline(in, text);) {
      lines.push_back(std::move(text));
    }
    it = sources_.emplace(file, std::move(lines)).first;
  }
  if (line == 0 || line > it->second.size()) return kEmpty;
  return it->second[line - 1];
}

namespace {

std::string trim(const std::string& text) {
  const size_t first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  const size_t last = text.find_last_not_of(" \t\r");
  return text.substr(first, last - first + 1);
}

}  // namespace

Location LocationResolver::locate(uint32_t correlation_id, const std::string& fallback_op) const {
  Location loc;
  loc.op = fallback_op;
  const uint32_t site_index = profile_.call_site_by_correlation.find(correlation_id);
  if (site_index == CorrelationIndex::kNone) return loc;
  const CallSite& site = profile_.call_sites[site_index];
  if (site.op != 0) loc.op = profile_.strings[site.op];
  const std::vector<Frame> frames = profile_.stack_frames(site.stack);
  for (const Frame& f : frames) {
    loc.stack.push_back(
        fmt::format("{}:{} {}", profile_.strings[f.file], f.line, profile_.strings[f.function]));
  }
  const Frame* user = nullptr;
  if (site.user_frame != 0 && site.user_frame <= profile_.frames.size()) {
    user = &profile_.frames[site.user_frame - 1];
  }
  for (size_t i = 0; user == nullptr && i < frames.size(); ++i) {
    if (!is_library_frame(profile_.strings[frames[i].file])) user = &frames[i];
  }
  if (user == nullptr && !frames.empty()) user = &frames.front();
  if (user == nullptr) return loc;
  loc.file = profile_.strings[user->file];
  loc.line = user->line;
  loc.function = profile_.strings[user->function];
  loc.code = trim(source_line(loc.file, loc.line));
  return loc;
}

}  // namespace perfadvise
