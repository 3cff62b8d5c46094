#include "collector/process_info.h"

#include <unistd.h>

#include <array>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string_view>

namespace perfadvise::collector {
namespace {

int parse_int(const char* text) {
  if (text == nullptr || *text == '\0') return -1;
  char* end = nullptr;
  long value = std::strtol(text, &end, 10);
  if (*end != '\0' || value < 0 || value > 1'000'000) return -1;
  return static_cast<int>(value);
}

struct CataloguePeak {
  std::string_view name_part;  // matched as a substring of the CUDA device name
  double bf16_flops;
  double fp32_flops;
};

// Dense peaks from NVIDIA's data sheets (SXM parts). H200 shares H100's compute.
constexpr std::array<CataloguePeak, 4> kCatalogue{{
    {"H100", 989.4e12, 66.9e12},
    {"H200", 989.4e12, 66.9e12},
    {"GH200", 989.4e12, 66.9e12},
    {"A100", 312e12, 19.5e12},
}};

}  // namespace

int rank_from_env() {
  int rank = parse_int(std::getenv("RANK"));
  return rank >= 0 ? rank : parse_int(std::getenv("LOCAL_RANK"));
}

std::string profile_path(const std::string& dir, int rank, uint32_t pid) {
  std::string name = rank >= 0 ? "profile.rank" + std::to_string(rank) + ".pid" : "profile.pid";
  name += std::to_string(pid) + ".sqlite";
  return dir.empty() ? name : dir + "/" + name;
}

std::string started_marker_path(const std::string& profile) {
  return profile + ".started";
}

std::string own_command_line() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!raw.empty() && raw.back() == '\0')
    raw.pop_back();
  for (char& c : raw) {
    if (c == '\0') c = ' ';
  }
  return raw;
}

std::string host_name() {
  std::array<char, 256> buffer{};
  if (gethostname(buffer.data(), buffer.size() - 1) != 0) return "";
  return buffer.data();
}

void fill_catalogue_peaks(Device& device) {
  // Longest match first would matter for "GH200" vs "H200"; both carry the same numbers.
  for (const CataloguePeak& entry : kCatalogue) {
    if (device.name.find(entry.name_part) != std::string::npos) {
      device.peak_bf16_flops = entry.bf16_flops;
      device.peak_fp32_flops = entry.fp32_flops;
      return;
    }
  }
  device.peak_bf16_flops = 0;
  device.peak_fp32_flops = 0;
}

std::string cuda_version_string(int version) {
  if (version <= 0) return "";
  return std::to_string(version / 1000) + "." + std::to_string((version % 1000) / 10);
}

}  // namespace perfadvise::collector
