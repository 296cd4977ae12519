#include "app/simulate_command.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "scaling/simulator.h"

namespace crawler::app {
namespace {

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  if (!out) throw scaling::PolicyError("cannot write " + path);
  out << text;
}

// `base` is a file for one scenario, a directory for several (one file per scenario).
std::string output_path(const std::string& base, const std::string& scenario,
                        const std::string& ext, bool several) {
  if (!several) return base;
  std::filesystem::create_directories(base);
  return (std::filesystem::path(base) / (scenario + ext)).string();
}

}  // namespace

int run_simulate(const SimulateOptions& o) {
  try {
    const auto policy = scaling::load_scaling_config(o.policy);
    std::vector<scaling::Scenario> scenarios;
    // --load takes a CSV file or, like --scenario, a built-in name.
    const bool load_is_builtin = !o.load_csv.empty() && !std::filesystem::exists(o.load_csv) &&
                                 o.load_csv.find_first_of("./") == std::string::npos;
    if (load_is_builtin) {
      if (o.load_csv == "seed")
        scenarios = scaling::seed_scenarios();
      else
        scenarios.push_back(scaling::builtin_scenario(o.load_csv));
    } else if (!o.load_csv.empty()) {
      std::ifstream in(o.load_csv);
      if (!in) throw scaling::PolicyError("cannot read load file " + o.load_csv);
      std::stringstream text;
      text << in.rdbuf();
      scenarios.push_back(scaling::load_scenario_csv(
          std::filesystem::path(o.load_csv).stem().string(), text.str()));
    } else if (o.scenario == "seed") {
      scenarios = scaling::seed_scenarios();
    } else {
      scenarios.push_back(scaling::builtin_scenario(o.scenario));
    }
    if (o.days < 1 || o.days > 31) throw scaling::PolicyError("--days must be 1..31");
    scaling::FleetModel fleet;
    if (o.failure_rate) {
      if (*o.failure_rate < 0 || *o.failure_rate >= 1)
        throw scaling::PolicyError("--failure-rate must be in [0, 1)");
      fleet.failure_rate = *o.failure_rate;
    }
    auto seed_pricing = scaling::Pricing::seed();
    scaling::Pricing aws;
    if (o.task_hour_price) seed_pricing.task_hour = *o.task_hour_price;
    if (o.vcpu_hour_price) aws.vcpu_hour = *o.vcpu_hour_price;
    if (o.gb_hour_price) aws.gb_hour = *o.gb_hour_price;
    if (o.fixed_month) seed_pricing.fixed_month = aws.fixed_month = *o.fixed_month;

    std::printf("policy %s: %zu step policies, %zu target-tracking, capacity %d..%d\n",
                o.policy.c_str(), policy.step_policies.size(), policy.target_policies.size(),
                policy.min_capacity, policy.max_capacity);
    std::printf(
        "pricing: seed $%.3f per task-hour; AWS Fargate $%.5f/vCPU-h + $%.5f/GB-h "
        "(%.0f vCPU, %.0f GB); fixed $%.2f/month\n\n",
        seed_pricing.task_hour, aws.vcpu_hour, aws.gb_hour, aws.task_vcpu, aws.task_gb,
        seed_pricing.fixed_month);
    std::printf("%-8s %-10s %9s %6s %7s %9s %9s %8s %12s %12s\n", "scenario", "fleet", "task-h/mo",
                "peak", "events", "p95 wait", "max wait", "failed", "$/mo (seed)", "$/mo (AWS)");
    auto print = [&](const scaling::SimulationResult& r, const char* fleet_name) {
      auto at_seed = scaling::monthly_cost(r, seed_pricing);
      auto at_aws = scaling::monthly_cost(r, aws);
      const auto& s = r.summary;
      std::printf("%-8s %-10s %9.0f %6d %7d %8.0fs %8.0fs %8lld %12.2f %12.2f\n",
                  r.scenario.name.c_str(), fleet_name, at_seed.task_hours, s.peak_tasks,
                  s.scaling_events, s.p95_wait_seconds, s.max_wait_seconds,
                  static_cast<long long>(s.jobs_failed), at_seed.total, at_aws.total);
    };
    const bool several = scenarios.size() > 1;
    for (auto scenario : scenarios) {
      scenario.days = o.days;
      // The design's assumed fleet first (its cost table), then what the policy really does.
      if (!scenario.assumed_fleet.empty() || scenario.phases.empty())
        print(scaling::simulate_assumed(scenario, fleet, o.seed), "assumed");
      auto result = scaling::simulate(policy, scenario, fleet, o.seed);
      print(result, "policy");
      if (!o.csv_out.empty())
        write_file(output_path(o.csv_out, scenario.name, ".csv", several), scaling::to_csv(result));
      if (!o.svg_out.empty())
        write_file(output_path(o.svg_out, scenario.name, ".svg", several), scaling::to_svg(result));
    }
    return 0;
  } catch (const scaling::PolicyError& e) {
    std::cerr << "crawler simulate: " << e.what() << "\n";
    return 2;
  } catch (const std::filesystem::filesystem_error& e) {
    std::cerr << "crawler simulate: " << e.what() << "\n";
    return 2;
  }
}

}  // namespace crawler::app
