// The scaling simulator: what a policy (policy.h) does to a day of load, and what it costs.
//
// Model, time steps of `FleetModel::step` (1 s by default) over `days` days (scenarios repeat
// a daily pattern) or `duration_seconds`:
//   - arrivals: Poisson, at the scenario's jobs-per-minute for the hour of day;
//   - the queue: FIFO; failed tries come back after exponential backoff (Bull's, base
//     `retry_backoff`) until `attempts` are spent, so a high failure rate grows the queue;
//   - capacity: the EC2 base workers (always on) plus Fargate tasks, each task
//     `task_concurrency` slots, usable `task_startup` after the scale-out that asked for it
//     (image pull, start); a task scaled in stops taking jobs at once (it drains, so its
//     running jobs finish);
//   - service time: log-normal with the given mean and coefficient of variation;
//   - the metric: one datapoint per `metric_period`: QueueWaitingJobs = waiting + active (the
//     deployed metric) and QueueBacklogPerWorker = waiting / live slots (ours), fed to the engine.
// Deterministic for a given random seed. Costs: task-hours (starting tasks count: Fargate
// bills from the pull) at either the design's flat price per task-hour or the published price
// per vCPU-hour and GB-hour, plus the fixed monthly cost of the EC2 side.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scaling/policy.h"

namespace crawler::scaling {

struct LoadPhase {
  double start_hour = 0;  // of the day, [start, end)
  double end_hour = 24;
  double jobs_per_minute = 0;
};

// A fleet size the deployment design assumed for some hours of the day (its cost table is
// arithmetic on these: 5 tasks × 4 h, 25 tasks × 8 h), used instead of the policy by
// simulate_assumed().
struct FleetPhase {
  double start_hour = 0;
  double end_hour = 24;
  int tasks = 0;
};

struct Scenario {
  std::string name;
  std::string description;
  double base_jobs_per_minute = 0;  // outside the phases
  std::vector<LoadPhase> phases;
  int days = 1;
  std::optional<double> failure_rate;     // overrides the fleet model's (failure scenarios)
  std::vector<FleetPhase> assumed_fleet;  // the design's assumption for this load, if any
  std::int64_t burst_jobs = 0;            // queued all at once at `burst_at` (a load test)
  // When the burst arrives relative to the metric's period boundaries (a real load test starts
  // at a random point of the autoscaler's period: half a period on average).
  std::chrono::milliseconds burst_at{0};
  std::int64_t duration_seconds = 0;  // > 0: simulate this long instead of `days`
};

struct FleetModel {
  int base_workers = 2;  // the EC2 host's workers (1-2 by design, WORKER_CONCURRENCY=2)
  int base_concurrency = 2;
  int task_concurrency = 4;  // the Fargate task's WORKER_CONCURRENCY
  Seconds task_startup{60};
  double service_seconds_mean = 6.0;
  double service_seconds_cv = 0.5;
  double failure_rate = 0.0;  // of a try
  int attempts = 3;           // the crawler's job options
  Seconds retry_backoff{2};   // exponential: 2 s, 4 s, ...
  Seconds metric_period{60};
  // The simulation's time step: 1 s suits a day of 6 s crawls; a load test of sub-second
  // crawls needs 10-100 ms. Must divide one second.
  std::chrono::milliseconds step{1000};
};

struct Pricing {
  // > 0: the design's cost table, a flat price per task-hour; otherwise vCPU-hours and GB-hours.
  double task_hour = 0;
  // Fargate Linux/x86 in ap-northeast-2 (Seoul), on-demand, per hour (AWS price list,
  // 2024-2025: $0.04656 per vCPU-hour, $0.00511 per GB-hour).
  double vcpu_hour = 0.04656;
  double gb_hour = 0.00511;
  double task_vcpu = 1;  // the deployed task size
  double task_gb = 2;
  // The EC2 side per month (docs/scaling.md): t3.large ~$60, Elastic IP $3.6, 50 GB gp3 $5, 100 GB
  // transfer $9 (rounded to $77).
  double fixed_month = 77;
  double days_per_month = 30;

  static Pricing seed() {
    Pricing p;
    p.task_hour = 0.05;
    return p;
  }
};

struct MinuteSample {
  std::int64_t minute = 0;
  std::int64_t waiting = 0;
  std::int64_t active = 0;
  std::int64_t delayed = 0;
  int tasks = 0;  // running + starting
  int desired = 0;
  double metric = 0;  // QueueWaitingJobs
};

struct Summary {
  double max_wait_seconds = 0;
  double p95_wait_seconds = 0;
  double mean_wait_seconds = 0;
  double task_hours = 0;  // over the simulated days
  int peak_tasks = 0;
  int scaling_events = 0;
  std::int64_t jobs_arrived = 0;
  std::int64_t jobs_done = 0;
  std::int64_t jobs_failed = 0;   // attempts spent
  std::int64_t tries_failed = 0;  // every failed try
};

struct SimulationResult {
  Scenario scenario;
  std::vector<MinuteSample> minutes;
  Summary summary;
};

SimulationResult simulate(const ScalingConfig& policy, const Scenario& scenario,
                          const FleetModel& fleet, std::uint64_t random_seed);
// The same load with the scenario's assumed fleet instead of a policy (tasks appear at the
// phase start after task_startup, as if scaled there by hand): the design's own arithmetic.
SimulationResult simulate_assumed(const Scenario& scenario, const FleetModel& fleet,
                                  std::uint64_t random_seed);

struct MonthlyCost {
  double task_hours = 0;
  double fargate = 0;
  double fixed = 0;
  double total = 0;
};
MonthlyCost monthly_cost(const SimulationResult& result, const Pricing& pricing);

// The deployment design's three load cases (quiet, medium, heavy) and its failure scenario 2
// (medium load with half the tries failing), as daily patterns.
std::vector<Scenario> seed_scenarios();
// One of those by name; throws PolicyError for an unknown name.
Scenario builtin_scenario(const std::string& name);
// A load file: CSV lines "start_hour,end_hour,jobs_per_minute" (header optional); the first
// line may be "base,<jobs_per_minute>". Throws PolicyError naming the line.
Scenario load_scenario_csv(const std::string& name, const std::string& text);

// The per-minute time series as CSV, and an SVG chart of queue length and tasks over time.
std::string to_csv(const SimulationResult& result);
std::string to_svg(const SimulationResult& result);

}  // namespace crawler::scaling
