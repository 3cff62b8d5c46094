// Each verb registers its subcommand and the action to run when it is chosen. main() parses,
// runs the action and maps errors to exit codes; verbs hold no logic beyond calling the library.
#pragma once

#include <functional>
#include <stdexcept>
#include <string>

#include <CLI/CLI.hpp>

#include "profile/result.h"

namespace perfadvise::cli {

/// Exit codes shared by every verb.
inline constexpr int kExitOk = 0;
inline constexpr int kExitRegression = 1;  // gate: the candidate is slower
inline constexpr int kExitBadInput = 2;    // unusable input: one line says why

/// Thrown at the CLI edge only: carries an Error from the library to main().
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Returns the value of a Result or throws UsageError with its message.
template <typename T>
T unwrap(Result<T> result) {
  if (!result.ok()) throw UsageError(result.error().message);
  return std::move(result).value();
}
inline void unwrap(const Result<void>& result) {
  if (!result.ok()) throw UsageError(result.error().message);
}

using Action = std::function<int()>;

void register_info(CLI::App& app, Action& action);
void register_analyze(CLI::App& app, Action& action);
void register_rules(CLI::App& app, Action& action);
void register_run(CLI::App& app, Action& action);
void register_report(CLI::App& app, Action& action);
void register_export(CLI::App& app, Action& action);
void register_gate(CLI::App& app, Action& action);

}  // namespace perfadvise::cli
