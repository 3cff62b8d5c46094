// Runs a shell command and captures its exit code, stdout and stderr (for CLI tests).
#pragma once

#include <string>

namespace perfadvise::testing {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

CommandResult run_command(const std::string& command);

/// Single-quotes `text` for the shell.
std::string shell_quote(const std::string& text);

}  // namespace perfadvise::testing
