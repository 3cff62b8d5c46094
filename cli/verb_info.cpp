// perfadvise info PROFILE: provenance, counts per event kind, time span.
#include <fmt/format.h>

#include "cli/verbs.h"
#include "profile/reader.h"
#include "reports/profile_info.h"

namespace perfadvise::cli {

void register_info(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand("info", "Show what a profile holds: provenance, event counts");
  static std::string path;
  static std::string format = "text";
  cmd->add_option("PROFILE", path, "A profile (.sqlite) or a run directory")->required();
  cmd->add_option("--format", format, "Output format")->check(CLI::IsMember({"text", "json"}));
  cmd->callback([&action] {
    action = [] {
      auto profiles = unwrap(load_profiles(path));
      if (format == "json") {
        nlohmann::json out = nlohmann::json::array();
        for (const Profile& p : profiles)
          out.push_back(profile_info_json(p));
        fmt::print("{}\n", (out.size() == 1 ? out[0] : out).dump(2));
      } else {
        for (const Profile& p : profiles)
          fmt::print("{}", profile_info_text(p));
      }
      return kExitOk;
    };
  });
}

}  // namespace perfadvise::cli
