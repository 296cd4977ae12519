// The scaling simulator: the seed's cost table reproduced from its own assumptions, the
// policy's real behaviour on the same loads, determinism, prices as parameters, the failure
// scenario, and the load file format.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "scaling/simulator.h"

namespace crawler::scaling {
namespace {

const ScalingConfig& seed_policy() {
  static const auto policy = load_scaling_config(CRAWLER_SOURCE_DIR "/cloudwatch/autoscaling.json");
  return policy;
}

TEST(ScalingSimulator, TheSeedsCostTableFromItsOwnAssumptionsWithinTenPercent) {
  const FleetModel fleet;
  const auto pricing = Pricing::seed();
  const std::map<std::string, double> seed_table = {{"quiet", 77}, {"medium", 107}, {"heavy", 377}};
  for (const auto& [name, dollars] : seed_table) {
    auto cost = monthly_cost(simulate_assumed(builtin_scenario(name), fleet, 1), pricing);
    EXPECT_NEAR(cost.total, dollars, dollars * 0.10) << name;
  }
}

TEST(ScalingSimulator, TheQueueMatchesTheSeedsDescriptionOfEachLoad) {
  const FleetModel fleet;
  auto peak_queue = [&](const std::string& name) {
    double peak = 0;
    for (const auto& m : simulate_assumed(builtin_scenario(name), fleet, 1).minutes)
      peak = std::max(peak, m.metric);
    return peak;
  };
  EXPECT_LT(peak_queue("quiet"), 20);
  EXPECT_GE(peak_queue("medium"), 50);
  EXPECT_GE(peak_queue("heavy"), 500);
}

TEST(ScalingSimulator, DeterministicForASeedAndDifferentAcrossSeeds) {
  const FleetModel fleet;
  auto a = simulate(seed_policy(), builtin_scenario("medium"), fleet, 7);
  auto b = simulate(seed_policy(), builtin_scenario("medium"), fleet, 7);
  auto c = simulate(seed_policy(), builtin_scenario("medium"), fleet, 8);
  EXPECT_EQ(to_csv(a), to_csv(b));
  EXPECT_EQ(a.summary.task_hours, b.summary.task_hours);
  EXPECT_NE(to_csv(a), to_csv(c));
}

TEST(ScalingSimulator, CostMovesInProportionWithThePrices) {
  const auto result = simulate(seed_policy(), builtin_scenario("heavy"), FleetModel{}, 1);
  Pricing p;
  p.fixed_month = 0;
  const double base = monthly_cost(result, p).total;
  ASSERT_GT(base, 0);
  Pricing doubled = p;
  doubled.vcpu_hour *= 2;
  doubled.gb_hour *= 2;
  EXPECT_NEAR(monthly_cost(result, doubled).total, 2 * base, 1e-6 * base);
  Pricing flat = Pricing::seed();
  flat.fixed_month = 0;
  flat.task_hour = 0.10;
  EXPECT_NEAR(monthly_cost(result, flat).total, 0.10 * monthly_cost(result, p).task_hours, 1e-6);
}

TEST(ScalingSimulator, TheSeedsPolicyOutgrowsItsOwnEstimateBecauseActiveJobsCount) {
  // QueueWaitingJobs = waiting + active: a busy fleet keeps its own metric above 20, so the
  // seed's rules scale past the 5 tasks its table assumes for the medium load.
  const FleetModel fleet;
  auto assumed = simulate_assumed(builtin_scenario("medium"), fleet, 1);
  auto real = simulate(seed_policy(), builtin_scenario("medium"), fleet, 1);
  EXPECT_GT(real.summary.task_hours, 2 * assumed.summary.task_hours);
  EXPECT_GT(real.summary.peak_tasks, 5);
  EXPECT_LE(real.summary.peak_tasks, 50);  // never above MaxCapacity
  // Quiet: never a task.
  EXPECT_EQ(simulate(seed_policy(), builtin_scenario("quiet"), fleet, 1).summary.task_hours, 0);
}

TEST(ScalingSimulator, FailureScenarioRetriesGrowTheQueueAndTheFleet) {
  const FleetModel fleet;
  auto ok = simulate(seed_policy(), builtin_scenario("medium"), fleet, 1);
  auto failing = simulate(seed_policy(), builtin_scenario("failing"), fleet, 1);
  EXPECT_GT(failing.summary.tries_failed, 0);
  EXPECT_GT(failing.summary.jobs_failed, 0);  // some jobs spend all 3 attempts
  auto queue_minutes = [](const SimulationResult& r) {
    double sum = 0;
    for (const auto& m : r.minutes) sum += m.metric + static_cast<double>(m.delayed);
    return sum;
  };
  EXPECT_GT(queue_minutes(failing), queue_minutes(ok));  // retries keep the queue up
  EXPECT_GT(failing.summary.scaling_events, ok.summary.scaling_events);
}

TEST(ScalingSimulator, LoadFilesAreReadAndBadLinesNamed) {
  auto s = load_scenario_csv("mine", "base,10\nstart_hour,end_hour,jobs_per_minute\n8,12,300\n");
  EXPECT_EQ(s.base_jobs_per_minute, 10);
  ASSERT_EQ(s.phases.size(), 1u);
  EXPECT_EQ(s.phases[0].jobs_per_minute, 300);
  try {
    load_scenario_csv("bad", "8,12,300\n9,x,1\n");
    FAIL();
  } catch (const PolicyError& e) {
    EXPECT_NE(std::string(e.what()).find("line 2"), std::string::npos) << e.what();
  }
  EXPECT_THROW(load_scenario_csv("bad", "12,8,300\n"), PolicyError);
  EXPECT_THROW(builtin_scenario("stormy"), PolicyError);
}

TEST(ScalingSimulator, ChartAndSeriesHaveOneRowPerMinute) {
  auto r = simulate(seed_policy(), builtin_scenario("medium"), FleetModel{}, 1);
  EXPECT_EQ(r.minutes.size(), 1440u);
  const auto csv = to_csv(r);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1441);
  const auto svg = to_svg(r);
  EXPECT_TRUE(svg.starts_with("<svg"));
  EXPECT_NE(svg.find("polyline"), std::string::npos);
}

}  // namespace
}  // namespace crawler::scaling
