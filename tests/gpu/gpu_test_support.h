// What the GPU tests share: paths that the environment can override (a build carried to the GPU
// machine runs from wherever the tree lands), run directories, a shell, and skipping the whole
// binary loudly where there is no GPU.
//   PERFADVISE_CLI, PERFADVISE_GPU_BIN (plain_cuda), PERFADVISE_GPU_SRC (the .py scripts),
//   PERFADVISE_GPU_OUT (keep run directories there, e.g. to commit them as samples).
#pragma once

#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "profile/reader.h"
#include "tests/support/temp_dir.h"

namespace perfadvise::testing {

inline std::string env_or(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

/// A run directory: under PERFADVISE_GPU_OUT when set (kept), else under a temp dir.
inline std::string run_dir(const std::string& name) {
  static TempDir temp;
  const std::string dir = env_or("PERFADVISE_GPU_OUT", temp.path().string()) + "/" + name;
  std::filesystem::remove_all(dir);
  return dir;
}

/// The command's exit code, or 128 + the signal that ended it.
inline int shell(const std::string& command) {
  INFO(command);
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/// The one profile a run directory holds.
inline Profile only_profile(const std::string& dir) {
  auto profiles = load_profiles(dir);
  REQUIRE(profiles.ok());
  REQUIRE(profiles->size() == 1);
  return std::move(profiles->front());
}

/// Exits the process with 77 (CTest: skipped) and one loud line when there is no GPU. Called
/// from a static initializer, before Catch's main.
inline bool require_gpu_or_skip() {
  if (std::filesystem::exists("/dev/nvidia0") ||
      std::system("nvidia-smi -L > /dev/null 2>&1") == 0) {
    return true;
  }
  std::printf("SKIPPED: no GPU (no /dev/nvidia0, no nvidia-smi): GPU tests not run\n");
  std::fflush(stdout);
  std::_Exit(77);
}

}  // namespace perfadvise::testing
