// `perfadvise info`: what a profile file holds (provenance, event counts, time span).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "profile/profile.h"

namespace perfadvise {

/// The provenance fields every JSON output shares (without `extra`).
nlohmann::json provenance_json(const Provenance& provenance);
nlohmann::json profile_info_json(const Profile& profile);
std::string profile_info_text(const Profile& profile);

}  // namespace perfadvise
