// The `crawler` executable: parse the command line, then run roles or an admin subcommand.
#include <iostream>

#include "app/cli.h"
#include "app/process.h"
#include "core/version.h"

int main(int argc, char** argv) {
  using crawler::app::Command;
  Command cmd = crawler::app::parse_command_line(argc, argv);
  switch (cmd.kind) {
    case Command::Kind::exit:
      return cmd.exit_code;
    case Command::Kind::version:
      std::cout << "crawler " << crawler::version() << " (" << crawler::git_commit() << ")\n";
      return 0;
    case Command::Kind::migrate:
      crawler::log::configure(cmd.config.log_level, cmd.config.log_format);
      return crawler::app::run_migrations(cmd.config);
    case Command::Kind::simulate:
      return crawler::app::run_simulate(cmd.simulate);
    case Command::Kind::queue:
      crawler::log::configure(cmd.config.log_level, cmd.config.log_format);
      return crawler::app::run_queue_command(cmd.config, cmd.queue);
    case Command::Kind::loadtest:
      crawler::log::configure(cmd.config.log_level, cmd.config.log_format);
      return crawler::app::run_loadtest(cmd.config, cmd.loadtest);
    case Command::Kind::run:
      break;
  }
  crawler::log::configure(cmd.config.log_level, cmd.config.log_format);
  try {
    return crawler::app::run_process(cmd.config);
  } catch (const std::exception& e) {
    crawler::log::Logger("main").error("fatal", {{"error", std::string_view(e.what())}});
    return 1;
  }
}
