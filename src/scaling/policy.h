// The scaling policy engine: Application Auto Scaling's step-scaling and target-tracking rules
// as one model, fed one metric datapoint per period. The simulator (simulator.h) and the
// local autoscaler drive it, and it reads the very file the deployment registers with AWS
// (cloudwatch/autoscaling.json), so what a policy does can be predicted before deploying it.
//
// Semantics (AWS's documented behaviour; where AWS leaves room, the choice made here):
//   - Step policy: its alarm breaches when the metric compares true against the threshold for
//     `EvaluationPeriods` consecutive datapoints; while breaching, the policy runs at every
//     datapoint, unless its own cooldown since its last scaling activity has not passed. The
//     step whose interval (relative to the threshold, lower bound inclusive) contains the
//     metric gives the adjustment: ChangeInCapacity, ExactCapacity or PercentChangeInCapacity.
//   - Target tracking: scale out after 3 consecutive datapoints above the target, scale in
//     after 15 consecutive datapoints below 90 % of it (the alarms AWS creates for a target
//     tracking policy); the new capacity is proportional, ceil(capacity × metric / target).
//     From zero capacity the proportion is taken from one task, so a queue can wake an empty
//     service (AWS does scale ECS services out from 0 on a custom metric). Scale-out and
//     scale-in cooldowns are the policy's own.
//   - Several policies: if any asks for more capacity, the largest such answer wins; only
//     when none asks for more does a scale-in happen, and then the largest (most conservative)
//     of the scale-in answers. The result is clamped to [MinCapacity, MaxCapacity].
#pragma once

#include <chrono>
#include <deque>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace crawler::scaling {

using Seconds = std::chrono::seconds;

class PolicyError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

enum class Comparison { greater, greater_or_equal, less, less_or_equal };
enum class AdjustmentType { change_in_capacity, exact_capacity, percent_change_in_capacity };

struct StepAdjustment {
  std::optional<double> lower;  // metric - threshold >= lower (none: -infinity)
  std::optional<double> upper;  // metric - threshold <  upper (none: +infinity)
  int adjustment = 0;
};

struct StepPolicy {
  std::string name;
  std::string metric;  // e.g. "QueueWaitingJobs"
  Comparison comparison = Comparison::greater;
  double threshold = 0;
  int evaluation_periods = 1;
  AdjustmentType type = AdjustmentType::change_in_capacity;
  std::vector<StepAdjustment> steps;
  Seconds cooldown{300};
};

struct TargetTrackingPolicy {
  std::string name;
  std::string metric;
  double target = 0;
  Seconds scale_out_cooldown{300};
  Seconds scale_in_cooldown{300};
  int scale_out_datapoints = 3;
  int scale_in_datapoints = 15;
  double scale_in_ratio = 0.9;
  bool disable_scale_in = false;
};

struct ScalingConfig {
  int min_capacity = 0;
  int max_capacity = 50;
  std::vector<StepPolicy> step_policies;
  std::vector<TargetTrackingPolicy> target_policies;
};

// The JSON of cloudwatch/autoscaling.json. Throws PolicyError naming what is wrong.
ScalingConfig parse_scaling_config(std::string_view json);
ScalingConfig load_scaling_config(const std::filesystem::path& file);

struct Decision {
  int desired = 0;
  std::string policy;  // the policy whose answer was taken
};

class PolicyEngine {
 public:
  explicit PolicyEngine(ScalingConfig config);

  // One datapoint per period, at `now` (any monotonic clock in seconds), with the metrics by
  // name. Returns the new desired capacity when a scaling activity happens.
  std::optional<Decision> on_datapoint(Seconds now, const std::map<std::string, double>& metrics,
                                       int current);

  const ScalingConfig& config() const { return config_; }

 private:
  struct Proposal {
    int desired;
    std::size_t index;  // into step_ (then target_ after)
  };
  std::optional<int> step_proposal(std::size_t i, Seconds now, double metric, int current);
  std::optional<int> target_proposal(std::size_t i, Seconds now, double metric, int current);

  ScalingConfig config_;
  struct StepState {
    std::deque<bool> breaches;
    std::optional<Seconds> last_activity;
  };
  struct TargetState {
    std::deque<double> values;
    std::optional<Seconds> last_out;
    std::optional<Seconds> last_in;
  };
  std::vector<StepState> step_;
  std::vector<TargetState> target_;
};

}  // namespace crawler::scaling
