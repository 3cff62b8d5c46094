#pragma once

namespace perfadvise {
/// Set by CMake from the project version.
inline constexpr const char* kToolVersion = PERFADVISE_VERSION;
}  // namespace perfadvise
