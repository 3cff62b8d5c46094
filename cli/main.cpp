// perfadvise: parse the command line, run one verb, map the outcome to an exit code.
#include <cstdio>

#include <fmt/format.h>

#include "cli/verbs.h"
#include "profile/version.h"

int main(int argc, char** argv) {
  using namespace perfadvise::cli;
  CLI::App app{"perfadvise: find what makes a GPU program slow, and what to change."};
  app.set_version_flag("--version", std::string("perfadvise ") + perfadvise::kToolVersion);
  app.require_subcommand(1);
  app.fallthrough(false);

  Action action;
  register_info(app, action);
  register_analyze(app, action);
  register_rules(app, action);
  register_run(app, action);
  register_report(app, action);
  register_export(app, action);
  register_gate(app, action);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    fmt::print(stderr, "perfadvise: {}\n", e.what());
    return kExitBadInput;
  }
  try {
    return action ? action() : kExitBadInput;
  } catch (const UsageError& e) {
    fmt::print(stderr, "perfadvise: {}\n", e.what());
    return kExitBadInput;
  } catch (const std::exception& e) {
    fmt::print(stderr, "perfadvise: internal error: {}\n", e.what());
    return kExitBadInput;
  }
}
