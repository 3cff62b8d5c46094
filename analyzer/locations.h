// Turns a recorded call site into a Location: the user's file and line (the collector's
// user_frame, else the innermost frame outside torch and the standard library), the native op,
// the stack as evidence, and the source line's text when the file is readable here.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "analyzer/analysis.h"

namespace perfadvise {

class LocationResolver {
 public:
  explicit LocationResolver(const Profile& profile) : profile_(profile) {}

  /// The location of the API call with this correlation id; `fallback_op` names the call when
  /// no call site was recorded (e.g. "cudaStreamSynchronize").
  Location locate(uint32_t correlation_id, const std::string& fallback_op) const;

  /// "file:line" when the location has a file, else the op: how findings group events.
  static std::string key_of(const Location& location);

 private:
  const std::string& source_line(const std::string& file, uint32_t line) const;

  const Profile& profile_;
  mutable std::map<std::string, std::vector<std::string>> sources_;  // file -> lines (cache)
};

/// True for frames of torch, the standard library or site-packages: not the user's code.
bool is_library_frame(const std::string& file);

}  // namespace perfadvise
