// `crawler simulate`: runs the scaling simulator (scaling/simulator.h) with the deployment's
// policy file and prints what the policy does and costs. Knows nothing of Redis or PostgreSQL.
//
//   crawler simulate --policy cloudwatch/autoscaling.json --scenario seed
//   crawler simulate --scenario heavy --csv heavy.csv --svg heavy.svg
//   crawler simulate --load my-day.csv --pricing aws
#pragma once

#include <optional>
#include <string>

namespace crawler::app {

struct SimulateOptions {
  std::string policy = "cloudwatch/autoscaling.json";
  std::string scenario = "seed";  // quiet | medium | heavy | failing | seed (all four)
  std::string load_csv;           // a load file instead of a built-in scenario
  std::uint64_t seed = 1;
  int days = 1;
  std::string csv_out;  // per-minute series (one scenario), or a directory for several
  std::string svg_out;
  std::optional<double>
      task_hour_price;  // flat price per task-hour (the deployment design's cost table)
  std::optional<double> vcpu_hour_price;
  std::optional<double> gb_hour_price;
  std::optional<double> fixed_month;
  std::optional<double> failure_rate;
};

// Prints the report to stdout; errors to stderr. Returns the exit code (2: bad input).
int run_simulate(const SimulateOptions& options);

}  // namespace crawler::app
