// Facts about the watched process and its GPU that go into a profile's provenance, and where its
// profile file goes. No CUDA dependency, so the launcher and tests use it too.
#pragma once

#include <cstdint>
#include <string>

#include "profile/model.h"

namespace perfadvise::collector {

/// RANK, else LOCAL_RANK, as an integer; -1 when neither is set or parseable.
int rank_from_env();

/// "<dir>/profile.rank<R>.pid<P>.sqlite" ("profile.pid<P>.sqlite" without a rank).
std::string profile_path(const std::string& dir, int rank, uint32_t pid);

/// The started marker written next to the profile: "<profile>.started".
std::string started_marker_path(const std::string& profile);

/// /proc/self/cmdline with arguments joined by spaces.
std::string own_command_line();

std::string host_name();

/// Fills peak_bf16_flops and peak_fp32_flops from a small catalogue keyed by GPU name
/// (dense tensor-core bf16, fp32 without tensor cores); unknown GPUs get 0.
void fill_catalogue_peaks(Device& device);

/// "13.0" from 13000 (CUDA / driver version encoding).
std::string cuda_version_string(int version);

}  // namespace perfadvise::collector
