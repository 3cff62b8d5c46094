#include "gate/baseline_file.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace perfadvise::gate {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

double round3(double value) {
  return std::round(value * 1000) / 1000;
}

ordered_json summary_json(const CountSummary& s) {
  return {{"median", s.median}, {"mean", round3(s.mean)}, {"min", s.min}, {"max", s.max}};
}

ordered_json head_json(const GateInput& in) {
  ordered_json head;
  head["format"] = kBaselineFormat;
  head["version"] = kBaselineVersion;
  head["source"] = in.source;
  head["environment"] = in.environment;
  head["processes"] = in.processes;
  head["steps"] = in.steps;
  head["step_method"] = in.step_method;
  ordered_json counts = ordered_json::object();
  for (const auto& [metric, s] : in.counts)
    counts[metric] = summary_json(s);
  head["counts"] = counts;
  ordered_json sites = ordered_json::array();
  for (const SyncSite& s : in.sync_sites) {
    sites.push_back({{"location", s.location},
                     {"function", s.function},
                     {"op", s.op},
                     {"api", s.api},
                     {"kind", s.kind},
                     {"per_step", round3(s.per_step)}});
  }
  head["sync_sites"] = sites;
  ordered_json findings = ordered_json::array();
  for (const FindingKey& f : in.findings) {
    findings.push_back({{"rule_id", f.rule_id}, {"location", f.location}, {"title", f.title}});
  }
  head["findings"] = findings;
  return head;
}

/// "timings_ms" is written by hand so that each metric's samples stay on one line.
std::string timings_text(const GateInput& in) {
  std::string text = "{";
  const char* separator = "\n";
  for (const auto& [metric, samples] : in.timings) {
    json rounded = json::array();
    for (double v : samples)
      rounded.push_back(round3(v));
    text += separator + std::string("    ") + json(metric).dump() + ": " + rounded.dump();
    separator = ",\n";
  }
  return text + (in.timings.empty() ? "}" : "\n  }");
}

template <typename T>
Result<T> field(const json& object, const char* key, const std::string& path) {
  auto found = object.find(key);
  if (found == object.end()) return make_error("{}: baseline lacks '{}'", path, key);
  try {
    return found->get<T>();
  } catch (const json::exception&) {
    return make_error("{}: baseline field '{}' has the wrong type", path, key);
  }
}

Result<void> parse_counts(const json& doc, const std::string& path, GateInput& in) {
  PA_ASSIGN_OR_RETURN(json counts, field<json>(doc, "counts", path));
  if (!counts.is_object()) return make_error("{}: baseline 'counts' must be an object", path);
  for (const auto& [metric, s] : counts.items()) {
    if (!s.is_object()) return make_error("{}: counts.{} must be an object", path, metric);
    CountSummary& out = in.counts[metric];
    PA_ASSIGN_OR_RETURN(out.median, field<double>(s, "median", path));
    PA_ASSIGN_OR_RETURN(out.mean, field<double>(s, "mean", path));
    PA_ASSIGN_OR_RETURN(out.min, field<double>(s, "min", path));
    PA_ASSIGN_OR_RETURN(out.max, field<double>(s, "max", path));
  }
  return {};
}

Result<void> parse_sites_and_findings(const json& doc, const std::string& path, GateInput& in) {
  PA_ASSIGN_OR_RETURN(json sites, field<json>(doc, "sync_sites", path));
  PA_ASSIGN_OR_RETURN(json findings, field<json>(doc, "findings", path));
  if (!sites.is_array() || !findings.is_array()) {
    return make_error("{}: baseline 'sync_sites' and 'findings' must be lists", path);
  }
  for (const json& s : sites) {
    SyncSite site;
    PA_ASSIGN_OR_RETURN(site.location, field<std::string>(s, "location", path));
    PA_ASSIGN_OR_RETURN(site.function, field<std::string>(s, "function", path));
    PA_ASSIGN_OR_RETURN(site.op, field<std::string>(s, "op", path));
    PA_ASSIGN_OR_RETURN(site.api, field<std::string>(s, "api", path));
    PA_ASSIGN_OR_RETURN(site.kind, field<std::string>(s, "kind", path));
    PA_ASSIGN_OR_RETURN(site.per_step, field<double>(s, "per_step", path));
    in.sync_sites.push_back(std::move(site));
  }
  for (const json& f : findings) {
    FindingKey key;
    PA_ASSIGN_OR_RETURN(key.rule_id, field<std::string>(f, "rule_id", path));
    PA_ASSIGN_OR_RETURN(key.location, field<std::string>(f, "location", path));
    PA_ASSIGN_OR_RETURN(key.title, field<std::string>(f, "title", path));
    in.findings.push_back(std::move(key));
  }
  return {};
}

Result<void> parse_timings(const json& doc, const std::string& path, GateInput& in) {
  PA_ASSIGN_OR_RETURN(json timings, field<json>(doc, "timings_ms", path));
  if (!timings.is_object()) return make_error("{}: baseline 'timings_ms' must be an object", path);
  for (const auto& [metric, samples] : timings.items()) {
    if (!samples.is_array()) return make_error("{}: timings_ms.{} must be a list", path, metric);
    for (const json& v : samples) {
      if (!v.is_number()) return make_error("{}: timings_ms.{} holds a non-number", path, metric);
      in.timings[metric].push_back(v.get<double>());
    }
    if (in.timings[metric].size() != in.steps) {
      return make_error("{}: timings_ms.{} has {} samples for {} steps", path, metric,
                        in.timings[metric].size(), in.steps);
    }
  }
  return {};
}

}  // namespace

std::string baseline_json(const GateInput& input) {
  std::string head = head_json(input).dump(2);
  head.pop_back();  // the closing brace; timings_ms goes last
  while (!head.empty() && head.back() == '\n')
    head.pop_back();
  return head + ",\n  \"timings_ms\": " + timings_text(input) + "\n}\n";
}

Result<void> write_baseline(const GateInput& input, const std::string& path) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) return make_error("{}: cannot write the baseline", path);
    out << baseline_json(input);
    if (!out.flush()) return make_error("{}: cannot write the baseline", path);
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    std::remove(temporary.c_str());
    return make_error("{}: cannot write the baseline (rename failed)", path);
  }
  return {};
}

Result<GateInput> parse_baseline(const std::string& text, const std::string& path) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return make_error("{}: not valid JSON (a corrupt baseline?)", path);
  if (!doc.is_object() || doc.value("format", "") != kBaselineFormat) {
    return make_error("{}: not a perfadvise gate baseline (no \"format\": \"{}\")", path,
                      kBaselineFormat);
  }
  PA_ASSIGN_OR_RETURN(int version, field<int>(doc, "version", path));
  if (version > kBaselineVersion) {
    return make_error("{}: baseline version {} is newer than this perfadvise reads ({})", path,
                      version, kBaselineVersion);
  }
  GateInput in;
  in.source = path;
  PA_ASSIGN_OR_RETURN(in.environment,
                      (field<std::map<std::string, std::string>>(doc, "environment", path)));
  PA_ASSIGN_OR_RETURN(in.processes, field<uint32_t>(doc, "processes", path));
  PA_ASSIGN_OR_RETURN(in.steps, field<size_t>(doc, "steps", path));
  PA_ASSIGN_OR_RETURN(in.step_method, field<std::string>(doc, "step_method", path));
  PA_TRY(parse_counts(doc, path, in));
  PA_TRY(parse_sites_and_findings(doc, path, in));
  PA_TRY(parse_timings(doc, path, in));
  return in;
}

Result<GateInput> read_baseline(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error("{}: no such file (or unreadable)", path);
  std::ostringstream text;
  text << in.rdbuf();
  return parse_baseline(text.str(), path);
}

}  // namespace perfadvise::gate
