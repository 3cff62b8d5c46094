// What in a profile makes the analysis less complete than it looks: records CUPTI dropped, and
// correlation ids it repeated, which leave kernels without their launch and source line. Said
// once per process in every report, so a user does not read a thin finding as a clean run.
#pragma once

#include <string>
#include <vector>

#include "profile/profile.h"

namespace perfadvise {

/// One sentence per problem found; empty for a sound profile.
std::vector<std::string> data_warnings(const Profile& profile);

}  // namespace perfadvise
