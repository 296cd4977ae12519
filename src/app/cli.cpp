#include "app/cli.h"

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/dotenv.h"
#include "core/version.h"

namespace crawler::app {
namespace {

std::string describe_setting(const Setting& s) {
  std::string out = std::string(s.help) + " [env " + std::string(s.name);
  for (auto a : s.aliases) out += ", " + std::string(a);
  out += "; default: ";
  out += s.default_value.empty() ? std::string("unset") : std::string(s.default_value);
  out += "]";
  return out;
}

std::string metavar(const Setting& s) {
  if (s.form.starts_with("a TCP port")) return "PORT";
  if (s.form.starts_with("milliseconds")) return "MS";
  if (s.form.starts_with("an integer")) return "N";
  if (s.flag.ends_with("url")) return "URL";
  if (s.flag.ends_with("path")) return "PATH";
  return "TEXT";
}

}  // namespace

Command parse_command_line(int argc, const char* const* argv) {
  Command cmd;
  CLI::App app{"crawler: keyword rank monitoring for Naver search (api, ws, scheduler, worker)",
               "crawler"};
  app.set_help_flag("-h,--help", "Print this help and exit");
  app.footer(
      "Each flag can also be given as the environment variable shown, or in a .env file.\n"
      "Precedence: flag > environment > .env > default. Empty values count as unset.\n"
      "Examples:\n"
      "  crawler                           every role in one process; without DATABASE_URL and\n"
      "                                    REDIS_URL everything is kept in DATA_DIR/crawler.db\n"
      "  crawler --demo                    the same with a local sample search site and keywords\n"
      "  crawler --process=api,ws          REST + real-time events on PORT\n"
      "  crawler --process=worker          what the ECS worker task runs\n"
      "  crawler migrate                   apply database migrations and exit\n");

  std::map<std::string, std::string> flag_values;
  std::vector<std::string> process_tokens;
  for (const auto& s : settings()) {
    if (s.environment_only) continue;
    std::string flag = "--" + std::string(s.flag);
    if (s.name == "PROCESS_TYPE") {
      app.add_option(flag, process_tokens, describe_setting(s))
          ->expected(1, -1)
          ->type_name("ROLES");
      continue;
    }
    app.add_option(flag, flag_values[std::string(s.name)], describe_setting(s))
        ->type_name(metavar(s));
  }
  bool demo = false;
  app.add_flag("--demo", demo,
               "also serve the sample search site on a free port, allow it as a crawl target and "
               "seed a few keywords that rank there: rankings and live events within seconds, no "
               "internet needed");
  std::string env_file = ".env";
  app.add_option("--env-file", env_file,
                 "read variables from this file if it exists [default: .env]");

  auto* migrate = app.add_subcommand("migrate", "apply the database migrations and exit");
  auto* version = app.add_subcommand("version", "print the version and exit");
  auto* simulate =
      app.add_subcommand("simulate", "predict what a scaling policy does to a load, and its cost");
  auto& so = cmd.simulate;
  simulate->add_option("--policy", so.policy, "policy file [default: cloudwatch/autoscaling.json]");
  simulate->add_option("--scenario", so.scenario,
                       "quiet, medium, heavy, failing, or seed (all) [default: seed]");
  simulate->add_option("--load", so.load_csv,
                       "a load file (start_hour,end_hour,jobs_per_minute) or a scenario name");
  simulate->add_option("--seed", so.seed, "random seed [default: 1]");
  simulate->add_option("--days", so.days, "days to simulate [default: 1]");
  simulate->add_option("--csv", so.csv_out, "write the per-minute series (a directory for seed)");
  simulate->add_option("--svg", so.svg_out, "write the chart (a directory for seed)");
  simulate->add_option("--task-hour-price", so.task_hour_price, "seed pricing per task-hour");
  simulate->add_option("--vcpu-hour-price", so.vcpu_hour_price, "Fargate price per vCPU-hour");
  simulate->add_option("--gb-hour-price", so.gb_hour_price, "Fargate price per GB-hour");
  simulate->add_option("--fixed-month", so.fixed_month, "fixed monthly cost (EC2 side)");
  simulate->add_option("--failure-rate", so.failure_rate, "share of crawl tries that fail");
  auto* loadtest = app.add_subcommand(
      "loadtest", "queue N synthetic crawl jobs, follow the drain and the fleet, summarise");
  loadtest->add_option("--jobs", cmd.loadtest.jobs, "how many jobs [default: 1000]");
  loadtest->add_option("--keyword-prefix", cmd.loadtest.keyword_prefix,
                       "keywords are '<prefix> <i>' [default: 부하 테스트]");
  loadtest->add_option("--target-url", cmd.loadtest.target_url,
                       "the url each job looks for [default: shop-1.example]");
  loadtest->add_option("--timeout", cmd.loadtest.timeout_seconds,
                       "give up after this many seconds [default: 1800]");
  auto* queue = app.add_subcommand("queue", "inspect and operate the queue (see the runbook)");
  queue
      ->add_option("action", cmd.queue.action,
                   "stats | failed | retry-failed | clean | pause | resume")
      ->required();
  queue->add_option("--limit", cmd.queue.limit, "most jobs to show, retry or clean [default: 20]");
  queue->add_option("--state", cmd.queue.state, "clean: completed or failed");
  queue->add_option("--older-than", cmd.queue.older_than, "clean: e.g. 1h, 30m, 7d");
  app.require_subcommand(0, 1);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    cmd.kind = Command::Kind::exit;
    return cmd;
  } catch (const CLI::ParseError& e) {
    std::cerr << "crawler: " << e.what() << "\nRun 'crawler --help' for the flags.\n";
    cmd.kind = Command::Kind::exit;
    cmd.exit_code = 2;
    return cmd;
  }

  if (*version) {
    cmd.kind = Command::Kind::version;
    return cmd;
  }
  if (*simulate) {
    cmd.kind = Command::Kind::simulate;  // needs no service configuration
    return cmd;
  }
  if (*migrate) cmd.kind = Command::Kind::migrate;
  if (*loadtest) cmd.kind = Command::Kind::loadtest;
  if (*queue) cmd.kind = Command::Kind::queue;

  if (!process_tokens.empty()) {
    std::string joined;
    for (auto& t : process_tokens) joined += (joined.empty() ? "" : ",") + t;
    flag_values["PROCESS_TYPE"] = joined;
  }

  ConfigSources sources;
  sources.flags = std::move(flag_values);
  sources.env = process_env;
  cmd.env_file = env_file;
  try {
    if (std::filesystem::exists(env_file)) {
      std::ifstream in(env_file);
      std::stringstream text;
      text << in.rdbuf();
      sources.dotenv = parse_dotenv(text.str());
    }
    cmd.config = load_config(sources);
    cmd.config.demo = demo;
    if (cmd.kind == Command::Kind::run)
      if (auto errors = run_config_errors(cmd.config); !errors.empty()) {
        errors.pop_back();
        throw ConfigError(errors);
      }
  } catch (const std::exception& e) {
    std::cerr << "crawler: invalid configuration:\n" << e.what() << "\n";
    cmd.kind = Command::Kind::exit;
    cmd.exit_code = 2;
  }
  return cmd;
}

}  // namespace crawler::app
