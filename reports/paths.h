// Source paths as a report shows them: relative to a root directory, so that a location reads
// "tests/gpu/masked_loss.py:59" rather than "/work/main/tests/gpu/masked_loss.py:59".
#pragma once

#include <string>

#include "analyzer/analysis.h"

namespace perfadvise {

/// The directory the files of an analysis' locations are shown relative to: the working
/// directory the profile recorded (meta "working_directory" or "cwd"), else the current one when
/// every file lies under it, else the files' deepest common directory; "" when none applies
/// (no absolute paths, or only "/" in common).
std::string display_root(const Analysis& analysis);

/// `file` relative to `root` when it lies under it, else `file` unchanged.
std::string relative_to(const std::string& file, const std::string& root);

}  // namespace perfadvise
