// The command line: `crawler [--process=ROLES] [flags]` runs roles; `crawler migrate`,
// `crawler version`, `queue`, `simulate` and `loadtest` are admin subcommands beside it.
// Every setting of config.h is also a flag; --help lists each with its variable and default.
#pragma once

#include <string>
#include <vector>

#include "app/config.h"
#include "app/loadtest_command.h"
#include "app/queue_command.h"
#include "app/simulate_command.h"

namespace crawler::app {

struct Command {
  enum class Kind { run, migrate, version, simulate, loadtest, queue, exit } kind = Kind::run;
  int exit_code = 0;  // for Kind::exit (help printed: 0; bad usage: 2)
  Config config;
  SimulateOptions simulate;  // Kind::simulate
  LoadtestOptions loadtest;  // Kind::loadtest
  QueueCommand queue;        // Kind::queue
  std::string env_file;
};

// Parses argv, reads the .env file and the environment, validates the configuration.
// Usage and configuration errors are printed to stderr and give Kind::exit with code 2.
Command parse_command_line(int argc, const char* const* argv);

}  // namespace crawler::app
