// --format sarif: SARIF 2.1.0, one result per finding location, so code hosts annotate the
// Python line (physicalLocation.artifactLocation.uri + region.startLine).
#include <map>

#include <fmt/format.h>

#include "profile/version.h"
#include "reports/analysis_json.h"
#include "reports/common.h"
#include "reports/reporters.h"

namespace perfadvise {
namespace {

using nlohmann::json;

// Paths under the source root become repository-relative; the rest is percent-encoded as a URI.
std::string artifact_uri(const std::string& file, const std::string& root) {
  std::string path = file;
  if (!root.empty()) {
    std::string prefix = root.back() == '/' ? root : root + '/';
    if (path.rfind(prefix, 0) == 0) path = path.substr(prefix.size());
  }
  std::string out = path.size() && path[0] == '/' ? "file://" : "";
  for (unsigned char c : path) {
    bool plain = std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~';
    out += plain ? std::string(1, static_cast<char>(c)) : fmt::format("%{:02X}", c);
  }
  return out;
}

std::string_view level(Severity severity) {
  return severity == Severity::kCritical  ? "error"
         : severity == Severity::kWarning ? "warning"
                                          : "note";
}

json result(const Finding& f, size_t rule_index, const Location* where, const std::string& root) {
  std::string text = fmt::format("{} Fix: {} Estimated saving {}/step.", f.title, f.fix,
                                 format_ms(f.estimated_saving_ms_per_step));
  json out = {{"ruleId", f.rule_id},
              {"ruleIndex", rule_index},
              {"level", level(f.severity)},
              {"message", {{"text", text}}},
              {"properties",
               {{"estimated_saving_ms_per_step", f.estimated_saving_ms_per_step},
                {"cost_ms_per_step", f.cost_ms_per_step},
                {"confidence", confidence_name(f.confidence)}}}};
  if (where && !where->file.empty()) {
    json region = json::object();
    if (where->line > 0) region["startLine"] = where->line;
    out["locations"] =
        json::array({{{"physicalLocation",
                       {{"artifactLocation", {{"uri", artifact_uri(where->file, root)}}},
                        {"region", region}}}}});
    out["properties"]["op"] = where->op;
    out["properties"]["count_per_step"] = where->count_per_step;
    out["properties"]["location_cost_ms_per_step"] = where->cost_ms_per_step;
  }
  return out;
}

class SarifReporter final : public Reporter {
 public:
  Result<void> write(const Analysis& analysis, const ReportOptions& options,
                     std::ostream& out) override {
    std::map<std::string, size_t> rule_index;
    json rules = json::array(), results = json::array();
    for (const Finding& f : analysis.ranked_findings()) {
      auto [it, added] = rule_index.emplace(f.rule_id, rules.size());
      if (added) {
        rules.push_back({{"id", f.rule_id},
                         {"shortDescription", {{"text", f.rule_id}}},
                         {"helpUri", f.doc},
                         {"properties", {{"doc", f.doc}}}});
      }
      bool any = false;
      for (const Location& l : f.locations) {
        if (l.file.empty()) continue;
        results.push_back(result(f, it->second, &l, options.source_root));
        any = true;
      }
      if (!any) results.push_back(result(f, it->second, nullptr, options.source_root));
    }
    json driver = {{"name", "perfadvise"}, {"version", kToolVersion}, {"rules", rules}};
    json sarif = {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
                  {"version", "2.1.0"},
                  {"runs", json::array({{{"tool", {{"driver", driver}}}, {"results", results}}})}};
    out << dump_json(sarif, 2) << '\n';
    if (!out) return make_error("{}: could not write the SARIF report", options.input_path);
    return {};
  }
};

}  // namespace

std::unique_ptr<Reporter> make_sarif_reporter() {
  return std::make_unique<SarifReporter>();
}

}  // namespace perfadvise
