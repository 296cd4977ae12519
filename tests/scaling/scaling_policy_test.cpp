// The scaling policy engine: the deployment's own cloudwatch/autoscaling.json, each step rule
// with its cooldown and boundaries, min/max clamps, target tracking's datapoint windows and
// cooldowns, and how several policies combine.
#include <gtest/gtest.h>

#include "scaling/policy.h"

namespace crawler::scaling {
namespace {

using namespace std::chrono_literals;

std::string step_json(const std::string& name, const std::string& op, double threshold,
                      const std::string& type, int adjustment, int cooldown,
                      const std::string& bounds = R"("MetricIntervalLowerBound": 0)") {
  return R"({"PolicyName": ")" + name + R"(", "PolicyType": "StepScaling",
    "StepScalingPolicyConfiguration": {"AdjustmentType": ")" +
         type + R"(",
      "StepAdjustments": [{)" +
         bounds + R"(, "ScalingAdjustment": )" + std::to_string(adjustment) +
         R"(}], "Cooldown": )" + std::to_string(cooldown) + R"(},
    "Alarm": {"MetricName": "Q", "ComparisonOperator": ")" +
         op + R"(", "Threshold": )" + std::to_string(threshold) + R"(, "EvaluationPeriods": 1}})";
}

std::string target_json(double target, int out_cooldown, int in_cooldown) {
  return R"({"PolicyName": "target", "PolicyType": "TargetTrackingScaling",
    "TargetTrackingScalingPolicyConfiguration": {"TargetValue": )" +
         std::to_string(target) +
         R"(, "CustomizedMetricSpecification": {"MetricName": "Q", "Namespace": "N"},
      "ScaleOutCooldown": )" +
         std::to_string(out_cooldown) + R"(, "ScaleInCooldown": )" + std::to_string(in_cooldown) +
         "}}";
}

ScalingConfig config(const std::vector<std::string>& policies, int min = 0, int max = 50) {
  std::string list;
  for (const auto& p : policies) list += (list.empty() ? "" : ",") + p;
  return parse_scaling_config(R"({"ScalableTarget": {"MinCapacity": )" + std::to_string(min) +
                              R"(, "MaxCapacity": )" + std::to_string(max) + R"(}, "Policies": [)" +
                              list + "]}");
}

// Feeds one datapoint a minute; returns the capacity after each.
std::vector<int> run(PolicyEngine& engine, const std::vector<double>& metric, int capacity) {
  std::vector<int> out;
  for (std::size_t i = 0; i < metric.size(); ++i) {
    if (auto d = engine.on_datapoint(Seconds(60 * static_cast<long long>(i + 1)),
                                     {{"Q", metric[i]}}, capacity))
      capacity = d->desired;
    out.push_back(capacity);
  }
  return out;
}

TEST(ScalingPolicy, TheDeploymentFileHoldsTheSeedsRules) {
  auto c = load_scaling_config(CRAWLER_SOURCE_DIR "/cloudwatch/autoscaling.json");
  EXPECT_EQ(c.min_capacity, 0);
  EXPECT_EQ(c.max_capacity, 50);
  ASSERT_EQ(c.step_policies.size(), 4u);
  ASSERT_EQ(c.target_policies.size(), 1u);
  EXPECT_EQ(c.target_policies[0].target, 20.0);
  EXPECT_EQ(c.target_policies[0].scale_out_cooldown, 60s);
  EXPECT_EQ(c.target_policies[0].scale_in_cooldown, 300s);
  EXPECT_EQ(c.target_policies[0].metric, "QueueWaitingJobs");
  EXPECT_EQ(c.step_policies[1].threshold, 200);
  EXPECT_EQ(c.step_policies[1].cooldown, 30s);
  EXPECT_EQ(c.step_policies[3].type, AdjustmentType::exact_capacity);
}

TEST(ScalingPolicy, TheSeedsInvalidMetricTypeIsRefusedByName) {
  const std::string seed = R"({"ScalableTarget": {"MinCapacity": 0, "MaxCapacity": 50},
    "Policies": [{"PolicyName": "p", "PolicyType": "TargetTrackingScaling",
      "TargetTrackingScalingPolicyConfiguration": {"TargetValue": 20.0,
        "PredefinedMetricType": "CustomMetric",
        "CustomizedMetricSpecification": {"MetricName": "QueueWaitingJobs"}}}]})";
  try {
    parse_scaling_config(seed);
    FAIL() << "accepted";
  } catch (const PolicyError& e) {
    EXPECT_NE(std::string(e.what()).find("CustomMetric"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parse_scaling_config("[]"), PolicyError);
  EXPECT_THROW(config({step_json("a", "Sideways", 1, "ChangeInCapacity", 1, 60)}), PolicyError);
  EXPECT_THROW(config({step_json("a", "GreaterThanThreshold", 1, "Teleport", 1, 60)}), PolicyError);
  EXPECT_THROW(config({}, 5, 2), PolicyError);
}

TEST(ScalingPolicy, StepRuleFiresAboveItsThresholdOnlyAndHonoursItsCooldown) {
  PolicyEngine e(
      config({step_json("out", "GreaterThanThreshold", 20, "ChangeInCapacity", 1, 120)}));
  // 20 is not > 20; 21 is. Cooldown 120 s with a datapoint a minute: every other minute.
  EXPECT_EQ(run(e, {20, 21, 30, 30, 30, 30}, 0), (std::vector<int>{0, 1, 1, 2, 2, 3}));
}

TEST(ScalingPolicy, TheLargestScaleOutWins) {
  PolicyEngine e(
      config({step_json("plus1", "GreaterThanThreshold", 20, "ChangeInCapacity", 1, 60),
              step_json("plus10", "GreaterThanThreshold", 200, "ChangeInCapacity", 10, 30)}));
  auto d = e.on_datapoint(60s, {{"Q", 500}}, 3);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->desired, 13);
  EXPECT_EQ(d->policy, "plus10");
}

TEST(ScalingPolicy, ScaleInIsTheMostConservativeAndNeverBelowMin) {
  const auto minus1 = step_json("minus1", "LessThanThreshold", 10, "ChangeInCapacity", -1, 300,
                                R"("MetricIntervalUpperBound": 0)");
  const auto to_zero = step_json("zero", "LessThanOrEqualToThreshold", 0, "ExactCapacity", 0, 600,
                                 R"("MetricIntervalUpperBound": 0)");
  PolicyEngine e(config({minus1, to_zero}));
  // Queue empty: "= 0 → 0" and "< 10 → -1" both fire; -1 is the conservative answer.
  auto d = e.on_datapoint(60s, {{"Q", 0}}, 5);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->desired, 4);
  // With one task left the two agree on zero.
  PolicyEngine last(config({minus1, to_zero}));
  EXPECT_EQ(last.on_datapoint(60s, {{"Q", 0}}, 1)->desired, 0);
  // "= 0 → 0" alone takes an idle fleet down at once: its step ends at 0, inclusive below.
  PolicyEngine empty(config({to_zero}));
  EXPECT_EQ(empty.on_datapoint(60s, {{"Q", 0}}, 7)->desired, 0);
  EXPECT_FALSE(PolicyEngine(config({to_zero})).on_datapoint(60s, {{"Q", 1}}, 7).has_value());
  // Minimum capacity 2 clamps it.
  PolicyEngine floor(config({minus1}, 2, 50));
  EXPECT_FALSE(floor.on_datapoint(60s, {{"Q", 0}}, 2).has_value());
  // -1 every 300 s: from 5 tasks, one datapoint a minute.
  PolicyEngine slow(config({minus1}));
  EXPECT_EQ(run(slow, std::vector<double>(11, 3), 5),
            (std::vector<int>{4, 4, 4, 4, 4, 3, 3, 3, 3, 3, 2}));
}

TEST(ScalingPolicy, MaxCapacityClampsScaleOut) {
  PolicyEngine e(config(
      {step_json("plus10", "GreaterThanThreshold", 200, "ChangeInCapacity", 10, 30)}, 0, 50));
  EXPECT_EQ(e.on_datapoint(60s, {{"Q", 1000}}, 45)->desired, 50);
  EXPECT_FALSE(e.on_datapoint(120s, {{"Q", 1000}}, 50).has_value());  // nothing to do
}

TEST(ScalingPolicy, TargetTrackingNeedsThreeHighDatapointsThenScalesProportionally) {
  PolicyEngine e(config({target_json(20, 60, 300)}));
  // 3 consecutive datapoints above 20 before any scale-out; from 2 tasks at 100: ceil(2*100/20).
  EXPECT_EQ(run(e, {100, 100, 100}, 2), (std::vector<int>{2, 2, 10}));
  // A dip below the target resets the window.
  PolicyEngine dip(config({target_json(20, 60, 300)}));
  EXPECT_EQ(run(dip, {100, 100, 10, 100, 100}, 2), (std::vector<int>{2, 2, 2, 2, 2}));
  // From zero tasks, a queue wakes the service.
  PolicyEngine zero(config({target_json(20, 60, 300)}));
  EXPECT_EQ(run(zero, {60, 60, 60}, 0), (std::vector<int>{0, 0, 3}));
}

TEST(ScalingPolicy, TargetTrackingScalesInAfterFifteenLowDatapointsWithItsCooldown) {
  PolicyEngine e(config({target_json(20, 60, 300)}));
  std::vector<double> low(20, 5);  // below 90 % of 20
  auto caps = run(e, low, 8);
  // 14 datapoints: nothing; the 15th: ceil(8 * 5 / 20) = 2; then the cooldown (300 s) and a
  // fresh look: ceil(2 * 5 / 20) = 1.
  for (int i = 0; i < 14; ++i) EXPECT_EQ(caps[static_cast<std::size_t>(i)], 8) << i;
  EXPECT_EQ(caps[14], 2);
  EXPECT_EQ(caps[18], 2);
  EXPECT_EQ(caps[19], 1);
  // 18.5 is below the target but not below 90 % of it: no scale-in.
  PolicyEngine near(config({target_json(20, 60, 300)}));
  EXPECT_EQ(run(near, std::vector<double>(20, 18.5), 8).back(), 8);
}

TEST(ScalingPolicy, AScaleOutBeatsAScaleInFromAnotherPolicy) {
  PolicyEngine e(config({step_json("in", "LessThanThreshold", 1000, "ChangeInCapacity", -1, 60,
                                   R"("MetricIntervalUpperBound": 0)"),
                         step_json("out", "GreaterThanThreshold", 20, "ChangeInCapacity", 2, 60)}));
  EXPECT_EQ(e.on_datapoint(60s, {{"Q", 50}}, 3)->desired, 5);
}

}  // namespace
}  // namespace crawler::scaling
