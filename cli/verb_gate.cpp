// perfadvise gate --baseline BASE --candidate CAND: CI regression checks. Exit 0 pass (or a
// stale baseline), 1 regression, 2 unusable input. docs/gate.md documents the verb.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include <fmt/format.h>

#include "cli/verbs.h"
#include "gate/baseline_file.h"
#include "gate/gate.h"
#include "gate/gate_config.h"
#include "gate/gate_output.h"
#include "gate/gate_report.h"
#include "gate/gate_source.h"

namespace perfadvise::cli {
namespace {

struct GateArgs {
  std::string baseline, candidate, config, steps_regex;
  gate::GateOutputs outputs;
  bool update = false;
  bool strict_env = false;
};

int write_new_baseline(const GateArgs& args, const AnalysisOptions& options) {
  gate::GateInput candidate = unwrap(gate::load_gate_input(args.candidate, options));
  unwrap(gate::write_baseline(candidate, args.baseline));
  fmt::print("perfadvise gate: wrote baseline {} from {} ({} steps, {} on driver {})\n",
             args.baseline, args.candidate, candidate.steps, candidate.environment["gpu"],
             candidate.environment["driver"]);
  return kExitOk;
}

int exit_code(const gate::GateResult& result, bool strict_env) {
  if (result.outcome == gate::Outcome::kRegression) return kExitRegression;
  if (result.outcome != gate::Outcome::kStale || !strict_env) return kExitOk;
  const gate::EnvironmentDifference& d = result.environment_differences.front();
  fmt::print(stderr, "perfadvise: {}: baseline stale ({} '{}', candidate '{}'); --strict-env\n",
             result.baseline_source, d.key, d.baseline, d.candidate);
  return kExitBadInput;
}

int run_gate(GateArgs args) {
  AnalysisOptions options;
  options.steps_regex = args.steps_regex;
  gate::GateConfig config;
  if (!args.config.empty()) config = unwrap(gate::load_gate_config(args.config));
  if (args.update) return write_new_baseline(args, options);
  gate::GateInput baseline = unwrap(gate::load_gate_input(args.baseline, options));
  gate::GateInput candidate = unwrap(gate::load_gate_input(args.candidate, options));
  gate::GateResult result = unwrap(gate::compare(baseline, candidate, config));
  fmt::print("{}", gate::gate_text(result, isatty(fileno(stdout)) != 0));
  if (const char* summary = std::getenv("GITHUB_STEP_SUMMARY")) args.outputs.step_summary = summary;
  unwrap(gate::write_gate_outputs(result, args.outputs));
  return exit_code(result, args.strict_env);
}

}  // namespace

void register_gate(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand(
      "gate", "CI: compare a candidate run with a baseline; exit 1 on a regression");
  static GateArgs args;
  cmd->add_option("--baseline", args.baseline,
                  "Baseline: a profile, a run directory or a baseline file (.json)")
      ->required();
  cmd->add_option("--candidate", args.candidate, "Candidate: a profile or a run directory")
      ->required();
  cmd->add_option("--config", args.config, "gate.json: per-metric tolerances and on/off");
  cmd->add_flag("--update", args.update, "Write the candidate to --baseline as a baseline file");
  cmd->add_option("--junit", args.outputs.junit, "Write JUnit XML (one testcase per check)");
  cmd->add_option("--json", args.outputs.json, "Write the result as JSON");
  cmd->add_option("--markdown", args.outputs.markdown, "Write the Markdown summary");
  cmd->add_flag("--strict-env", args.strict_env,
                "Exit 2 when the baseline was recorded in another environment");
  cmd->add_option("--steps", args.steps_regex, "Regex of the NVTX ranges that are steps");
  cmd->callback([&action] { action = [] { return run_gate(args); }; });
}

}  // namespace perfadvise::cli
