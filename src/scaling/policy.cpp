#include "scaling/policy.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <fstream>
#include <sstream>

namespace crawler::scaling {
namespace {

namespace json = boost::json;

const json::object& object_at(const json::object& o, std::string_view key, std::string_view where) {
  const auto* v = o.if_contains(key);
  if (!v || !v->is_object())
    throw PolicyError(std::string(where) + ": " + std::string(key) + " must be an object");
  return v->as_object();
}

double number_at(const json::object& o, std::string_view key, std::string_view where) {
  const auto* v = o.if_contains(key);
  if (!v || !v->is_number())
    throw PolicyError(std::string(where) + ": " + std::string(key) + " must be a number");
  return v->to_number<double>();
}

std::optional<double> optional_number(const json::object& o, std::string_view key,
                                      std::string_view where) {
  if (!o.contains(key)) return std::nullopt;
  return number_at(o, key, where);
}

std::string string_at(const json::object& o, std::string_view key, std::string_view where) {
  const auto* v = o.if_contains(key);
  if (!v || !v->is_string() || v->as_string().empty())
    throw PolicyError(std::string(where) + ": " + std::string(key) + " must be a non-empty string");
  return std::string(v->as_string());
}

Seconds seconds_at(const json::object& o, std::string_view key, std::string_view where,
                   Seconds fallback) {
  auto n = optional_number(o, key, where);
  if (!n) return fallback;
  if (*n < 0) throw PolicyError(std::string(where) + ": " + std::string(key) + " must be >= 0");
  return Seconds(static_cast<long long>(*n));
}

Comparison comparison_of(const std::string& op, std::string_view where) {
  if (op == "GreaterThanThreshold") return Comparison::greater;
  if (op == "GreaterThanOrEqualToThreshold") return Comparison::greater_or_equal;
  if (op == "LessThanThreshold") return Comparison::less;
  if (op == "LessThanOrEqualToThreshold") return Comparison::less_or_equal;
  throw PolicyError(std::string(where) + ": unknown ComparisonOperator '" + op + "'");
}

StepPolicy step_policy(const json::object& p, const std::string& where) {
  StepPolicy s;
  s.name = string_at(p, "PolicyName", where);
  const auto& cfg = object_at(p, "StepScalingPolicyConfiguration", where);
  const auto type = string_at(cfg, "AdjustmentType", where);
  if (type == "ChangeInCapacity")
    s.type = AdjustmentType::change_in_capacity;
  else if (type == "ExactCapacity")
    s.type = AdjustmentType::exact_capacity;
  else if (type == "PercentChangeInCapacity")
    s.type = AdjustmentType::percent_change_in_capacity;
  else
    throw PolicyError(where + ": unknown AdjustmentType '" + type + "'");
  s.cooldown = seconds_at(cfg, "Cooldown", where, Seconds(300));
  const auto* steps = cfg.if_contains("StepAdjustments");
  if (!steps || !steps->is_array() || steps->as_array().empty())
    throw PolicyError(where + ": StepAdjustments must be a non-empty array");
  for (const auto& v : steps->as_array()) {
    if (!v.is_object()) throw PolicyError(where + ": a StepAdjustment must be an object");
    const auto& o = v.as_object();
    StepAdjustment a;
    a.lower = optional_number(o, "MetricIntervalLowerBound", where);
    a.upper = optional_number(o, "MetricIntervalUpperBound", where);
    a.adjustment = static_cast<int>(number_at(o, "ScalingAdjustment", where));
    if (a.lower && a.upper && *a.lower >= *a.upper)
      throw PolicyError(where + ": a step's lower bound must be below its upper bound");
    s.steps.push_back(a);
  }
  const auto& alarm = object_at(p, "Alarm", where + " (the CloudWatch alarm that runs it)");
  s.metric = string_at(alarm, "MetricName", where);
  s.comparison = comparison_of(string_at(alarm, "ComparisonOperator", where), where);
  s.threshold = number_at(alarm, "Threshold", where);
  s.evaluation_periods =
      static_cast<int>(optional_number(alarm, "EvaluationPeriods", where).value_or(1));
  if (s.evaluation_periods < 1) throw PolicyError(where + ": EvaluationPeriods must be >= 1");
  return s;
}

TargetTrackingPolicy target_policy(const json::object& p, const std::string& where) {
  TargetTrackingPolicy t;
  t.name = string_at(p, "PolicyName", where);
  const auto& cfg = object_at(p, "TargetTrackingScalingPolicyConfiguration", where);
  if (cfg.contains("PredefinedMetricSpecification") &&
      cfg.contains("CustomizedMetricSpecification"))
    throw PolicyError(where + ": give either a predefined or a customized metric, not both");
  if (const auto* bad = cfg.if_contains("PredefinedMetricType"))
    throw PolicyError(where + ": PredefinedMetricType " + json::serialize(*bad) +
                      " is not valid here (\"CustomMetric\" is not an AWS type); "
                      "a CustomizedMetricSpecification stands alone");
  t.metric = string_at(object_at(cfg, "CustomizedMetricSpecification", where), "MetricName", where);
  t.target = number_at(cfg, "TargetValue", where);
  if (t.target <= 0) throw PolicyError(where + ": TargetValue must be > 0");
  t.scale_out_cooldown = seconds_at(cfg, "ScaleOutCooldown", where, Seconds(300));
  t.scale_in_cooldown = seconds_at(cfg, "ScaleInCooldown", where, Seconds(300));
  if (const auto* d = cfg.if_contains("DisableScaleIn"); d && d->is_bool())
    t.disable_scale_in = d->as_bool();
  return t;
}

bool breaches(Comparison c, double value, double threshold) {
  switch (c) {
    case Comparison::greater:
      return value > threshold;
    case Comparison::greater_or_equal:
      return value >= threshold;
    case Comparison::less:
      return value < threshold;
    case Comparison::less_or_equal:
      return value <= threshold;
  }
  return false;
}

}  // namespace

ScalingConfig parse_scaling_config(std::string_view text) {
  boost::system::error_code ec;
  auto value = json::parse(text, ec);
  if (ec || !value.is_object()) throw PolicyError("scaling policy file is not a JSON object");
  const auto& root = value.as_object();
  ScalingConfig config;
  const auto& target = object_at(root, "ScalableTarget", "scaling policy file");
  config.min_capacity = static_cast<int>(number_at(target, "MinCapacity", "ScalableTarget"));
  config.max_capacity = static_cast<int>(number_at(target, "MaxCapacity", "ScalableTarget"));
  if (config.min_capacity < 0 || config.max_capacity < config.min_capacity)
    throw PolicyError("ScalableTarget: need 0 <= MinCapacity <= MaxCapacity");
  const auto* policies = root.if_contains("Policies");
  if (!policies || !policies->is_array() || policies->as_array().empty())
    throw PolicyError("scaling policy file: Policies must be a non-empty array");
  for (std::size_t i = 0; i < policies->as_array().size(); ++i) {
    const auto& v = policies->as_array()[i];
    const std::string where = "Policies[" + std::to_string(i) + "]";
    if (!v.is_object()) throw PolicyError(where + " must be an object");
    const auto type = string_at(v.as_object(), "PolicyType", where);
    if (type == "StepScaling")
      config.step_policies.push_back(step_policy(v.as_object(), where));
    else if (type == "TargetTrackingScaling")
      config.target_policies.push_back(target_policy(v.as_object(), where));
    else
      throw PolicyError(where + ": unknown PolicyType '" + type + "'");
  }
  return config;
}

ScalingConfig load_scaling_config(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw PolicyError("cannot read scaling policy file " + file.string());
  std::stringstream text;
  text << in.rdbuf();
  try {
    return parse_scaling_config(text.str());
  } catch (const PolicyError& e) {
    throw PolicyError(file.string() + ": " + e.what());
  }
}

PolicyEngine::PolicyEngine(ScalingConfig config)
    : config_(std::move(config)),
      step_(config_.step_policies.size()),
      target_(config_.target_policies.size()) {}

std::optional<int> PolicyEngine::step_proposal(std::size_t i, Seconds now, double metric,
                                               int current) {
  const auto& p = config_.step_policies[i];
  auto& s = step_[i];
  s.breaches.push_back(breaches(p.comparison, metric, p.threshold));
  while (static_cast<int>(s.breaches.size()) > p.evaluation_periods) s.breaches.pop_front();
  if (static_cast<int>(s.breaches.size()) < p.evaluation_periods ||
      !std::all_of(s.breaches.begin(), s.breaches.end(), [](bool b) { return b; }))
    return std::nullopt;
  if (s.last_activity && now < *s.last_activity + p.cooldown) return std::nullopt;
  const double diff = metric - p.threshold;
  // AWS: above the threshold a step's lower bound is inclusive and its upper exclusive;
  // below it the other way round — so a "<= 0" alarm's step ending at 0 covers 0 itself.
  const bool below = p.comparison == Comparison::less || p.comparison == Comparison::less_or_equal;
  for (const auto& step : p.steps) {
    if (step.lower && (below ? diff <= *step.lower : diff < *step.lower)) continue;
    if (step.upper && (below ? diff > *step.upper : diff >= *step.upper)) continue;
    switch (p.type) {
      case AdjustmentType::change_in_capacity:
        return current + step.adjustment;
      case AdjustmentType::exact_capacity:
        return step.adjustment;
      case AdjustmentType::percent_change_in_capacity: {
        const double change = current * step.adjustment / 100.0;
        // AWS rounds a fractional change away from zero to at least one task.
        const int whole = static_cast<int>(change > 0 ? std::ceil(change) : std::floor(change));
        return current +
               (whole == 0 && step.adjustment != 0 ? (step.adjustment > 0 ? 1 : -1) : whole);
      }
    }
  }
  return std::nullopt;
}

std::optional<int> PolicyEngine::target_proposal(std::size_t i, Seconds now, double metric,
                                                 int current) {
  const auto& p = config_.target_policies[i];
  auto& s = target_[i];
  s.values.push_back(metric);
  const auto keep =
      static_cast<std::size_t>(std::max(p.scale_out_datapoints, p.scale_in_datapoints));
  while (s.values.size() > keep) s.values.pop_front();
  auto last = [&](int n, auto pred) {
    if (static_cast<int>(s.values.size()) < n) return false;
    return std::all_of(s.values.end() - n, s.values.end(), pred);
  };
  const double proportional = std::max(current, 1) * metric / p.target;
  if (last(p.scale_out_datapoints, [&](double v) { return v > p.target; })) {
    if (s.last_out && now < *s.last_out + p.scale_out_cooldown) return std::nullopt;
    return std::max(current + 1, static_cast<int>(std::ceil(proportional - 1e-9)));
  }
  if (!p.disable_scale_in &&
      last(p.scale_in_datapoints, [&](double v) { return v < p.target * p.scale_in_ratio; })) {
    if (s.last_in && now < *s.last_in + p.scale_in_cooldown) return std::nullopt;
    const int desired =
        current == 0 ? 0 : static_cast<int>(std::ceil(current * metric / p.target - 1e-9));
    if (desired < current) return desired;
  }
  return std::nullopt;
}

std::optional<Decision> PolicyEngine::on_datapoint(Seconds now,
                                                   const std::map<std::string, double>& metrics,
                                                   int current) {
  std::vector<Proposal> proposals;
  for (std::size_t i = 0; i < step_.size(); ++i) {
    auto it = metrics.find(config_.step_policies[i].metric);
    if (it == metrics.end()) continue;  // no datapoint: the alarm has insufficient data
    if (auto d = step_proposal(i, now, it->second, current)) proposals.push_back({*d, i});
  }
  for (std::size_t i = 0; i < target_.size(); ++i) {
    auto it = metrics.find(config_.target_policies[i].metric);
    if (it == metrics.end()) continue;
    if (auto d = target_proposal(i, now, it->second, current))
      proposals.push_back({*d, step_.size() + i});
  }
  auto clamp = [&](int v) { return std::clamp(v, config_.min_capacity, config_.max_capacity); };
  std::optional<Proposal> chosen;
  for (const auto& p : proposals)  // the largest scale-out
    if (clamp(p.desired) > current && (!chosen || p.desired > chosen->desired)) chosen = p;
  if (!chosen)
    for (const auto& p : proposals)  // else the most conservative scale-in
      if (clamp(p.desired) < current && (!chosen || p.desired > chosen->desired)) chosen = p;
  if (!chosen) return std::nullopt;
  const int desired = clamp(chosen->desired);
  std::string name;
  if (chosen->index < step_.size()) {
    step_[chosen->index].last_activity = now;
    name = config_.step_policies[chosen->index].name;
  } else {
    auto& t = target_[chosen->index - step_.size()];
    (desired > current ? t.last_out : t.last_in) = now;
    name = config_.target_policies[chosen->index - step_.size()].name;
  }
  return Decision{desired, name};
}

}  // namespace crawler::scaling
