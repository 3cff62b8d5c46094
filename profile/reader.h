// Loads profiles. One loader for every source: today the perfadvise SQLite schema; an Nsight
// Systems export or a PyTorch-profiler trace would plug in here behind the same functions.
#pragma once

#include <string>
#include <vector>

#include "profile/profile.h"
#include "profile/result.h"

namespace perfadvise {

/// Loads one profile file. Errors name the file and the problem: missing, not SQLite, not a
/// perfadvise profile, newer schema, corrupt or truncated.
Result<Profile> load_profile(const std::string& path);

/// Resolves a user-given PATH into profile files: the file itself, or every profile in a run
/// directory (sorted by name). A directory without profiles is an error.
Result<std::vector<std::string>> find_profiles(const std::string& path);

/// find_profiles + load_profile for each.
Result<std::vector<Profile>> load_profiles(const std::string& path);

}  // namespace perfadvise
