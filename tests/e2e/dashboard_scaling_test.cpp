// The dashboard's "what would the scaling policy do now" (api/scaling_status.h), without
// servers: per-minute datapoints from the api's samples, and the policy's advice on them.
#include <gtest/gtest.h>

#include "api/scaling_status.h"

using namespace crawler;
using namespace crawler::api;

namespace {

QueueSample sample(std::int64_t at_ms, std::int64_t waiting, std::int64_t active,
                   std::int64_t slots) {
  QueueSample s;
  s.at_ms = at_ms;
  s.counts.waiting = waiting;
  s.counts.active = active;
  s.slots = slots;
  return s;
}

scaling::ScalingConfig policy() {
  // The seed's shape: a target-tracking rule on QueueWaitingJobs (target 20) and a step rule
  // adding one task above 20.
  return scaling::parse_scaling_config(R"({
    "ScalableTarget": {"MinCapacity": 0, "MaxCapacity": 50},
    "Policies": [
      {"PolicyName": "track", "PolicyType": "TargetTrackingScaling",
       "TargetTrackingScalingPolicyConfiguration": {"TargetValue": 20.0,
         "CustomizedMetricSpecification": {"MetricName": "QueueWaitingJobs",
           "Namespace": "CrawlerService", "Statistic": "Average"},
         "ScaleInCooldown": 300, "ScaleOutCooldown": 60}},
      {"PolicyName": "over-20", "PolicyType": "StepScaling",
       "StepScalingPolicyConfiguration": {"AdjustmentType": "ChangeInCapacity",
         "StepAdjustments": [{"MetricIntervalLowerBound": 0, "ScalingAdjustment": 1}],
         "Cooldown": 60},
       "Alarm": {"MetricName": "QueueWaitingJobs", "Namespace": "CrawlerService",
         "Statistic": "Average", "Period": 60, "EvaluationPeriods": 1,
         "ComparisonOperator": "GreaterThanThreshold", "Threshold": 20}}]})");
}

}  // namespace

TEST(DashboardScaling, SamplesBecomeMinuteAverages) {
  auto minutes =
      per_minute({sample(60'000, 10, 2, 4), sample(90'000, 20, 4, 4), sample(125'000, 0, 1, 0)});
  ASSERT_EQ(minutes.size(), 2u);
  EXPECT_EQ(minutes[0].minute_ms, 60'000);
  EXPECT_DOUBLE_EQ(minutes[0].queue_waiting_jobs, 18.0);  // (12 + 24) / 2
  EXPECT_DOUBLE_EQ(minutes[0].backlog_per_worker, 3.75);  // (10/4 + 20/4) / 2
  EXPECT_EQ(minutes[1].minute_ms, 120'000);
  EXPECT_DOUBLE_EQ(minutes[1].backlog_per_worker, 0.0);  // no slots: per one slot
  EXPECT_TRUE(per_minute({}).empty());
}

TEST(DashboardScaling, NoSamplesNoChange) {
  auto advice = advise(policy(), {}, 3);
  EXPECT_EQ(advice.current, 3);
  EXPECT_EQ(advice.desired, 3);
  EXPECT_TRUE(advice.policy.empty());
  EXPECT_FALSE(advice.metric.has_value());
}

TEST(DashboardScaling, ABacklogAsksForMoreWorkers) {
  std::vector<MinuteMetric> minutes;
  for (int m = 0; m < 5; ++m) minutes.push_back({m * 60'000, 100.0, 10.0});
  auto advice = advise(policy(), minutes, 1);
  EXPECT_EQ(advice.current, 1);
  EXPECT_GT(advice.desired, 1);
  EXPECT_FALSE(advice.policy.empty());
  EXPECT_DOUBLE_EQ(*advice.metric, 100.0);
}

TEST(DashboardScaling, AQuietQueueBelowTargetChangesNothingAtFirst) {
  // Scale-in needs 15 datapoints below 90 % of the target: 3 quiet minutes are not enough.
  std::vector<MinuteMetric> minutes;
  for (int m = 0; m < 3; ++m) minutes.push_back({m * 60'000, 5.0, 1.0});
  auto advice = advise(policy(), minutes, 2);
  EXPECT_EQ(advice.desired, 2);
  EXPECT_TRUE(advice.policy.empty());
}
