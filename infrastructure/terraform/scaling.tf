# Application Auto Scaling of the worker service, all numbers from cloudwatch/autoscaling.json
# (the file `crawler simulate` and `--process=autoscaler` read): the scalable target (0-50),
# the target-tracking policy, and the step policies with the CloudWatch alarms that trigger
# them on CrawlerService/QueueWaitingJobs.

resource "aws_appautoscaling_target" "workers" {
  service_namespace  = local.autoscaling.ScalableTarget.ServiceNamespace
  resource_id        = "service/${aws_ecs_cluster.workers.name}/${aws_ecs_service.worker.name}"
  scalable_dimension = local.autoscaling.ScalableTarget.ScalableDimension
  min_capacity       = local.autoscaling.ScalableTarget.MinCapacity
  max_capacity       = local.autoscaling.ScalableTarget.MaxCapacity

  lifecycle {
    # The runbook's emergency cap changes max capacity by hand; apply restores the file's.
    precondition {
      condition     = local.autoscaling.ScalableTarget.ResourceId == "service/${local.cluster_name}/${local.service_name}"
      error_message = "cloudwatch/autoscaling.json's ResourceId does not name ecs/service.json's cluster and service."
    }
  }
}

resource "aws_appautoscaling_policy" "target_tracking" {
  for_each = { for k, p in local.scaling_policies : k => p if p.PolicyType == "TargetTrackingScaling" }

  name               = each.key
  policy_type        = each.value.PolicyType
  service_namespace  = aws_appautoscaling_target.workers.service_namespace
  resource_id        = aws_appautoscaling_target.workers.resource_id
  scalable_dimension = aws_appautoscaling_target.workers.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = each.value.TargetTrackingScalingPolicyConfiguration.TargetValue
    scale_in_cooldown  = each.value.TargetTrackingScalingPolicyConfiguration.ScaleInCooldown
    scale_out_cooldown = each.value.TargetTrackingScalingPolicyConfiguration.ScaleOutCooldown

    customized_metric_specification {
      metric_name = each.value.TargetTrackingScalingPolicyConfiguration.CustomizedMetricSpecification.MetricName
      namespace   = each.value.TargetTrackingScalingPolicyConfiguration.CustomizedMetricSpecification.Namespace
      statistic   = each.value.TargetTrackingScalingPolicyConfiguration.CustomizedMetricSpecification.Statistic
      unit        = each.value.TargetTrackingScalingPolicyConfiguration.CustomizedMetricSpecification.Unit
    }
  }
}

resource "aws_appautoscaling_policy" "step" {
  for_each = local.step_policies

  name               = each.key
  policy_type        = each.value.PolicyType
  service_namespace  = aws_appautoscaling_target.workers.service_namespace
  resource_id        = aws_appautoscaling_target.workers.resource_id
  scalable_dimension = aws_appautoscaling_target.workers.scalable_dimension

  step_scaling_policy_configuration {
    adjustment_type         = each.value.StepScalingPolicyConfiguration.AdjustmentType
    cooldown                = each.value.StepScalingPolicyConfiguration.Cooldown
    metric_aggregation_type = each.value.StepScalingPolicyConfiguration.MetricAggregationType

    dynamic "step_adjustment" {
      for_each = each.value.StepScalingPolicyConfiguration.StepAdjustments
      content {
        scaling_adjustment          = step_adjustment.value.ScalingAdjustment
        metric_interval_lower_bound = try(step_adjustment.value.MetricIntervalLowerBound, null)
        metric_interval_upper_bound = try(step_adjustment.value.MetricIntervalUpperBound, null)
      }
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "step" {
  for_each = local.step_policies

  alarm_name          = each.value.Alarm.AlarmName
  alarm_description   = "Triggers the scaling policy ${each.key} (cloudwatch/autoscaling.json)."
  namespace           = each.value.Alarm.Namespace
  metric_name         = each.value.Alarm.MetricName
  statistic           = each.value.Alarm.Statistic
  period              = each.value.Alarm.Period
  evaluation_periods  = each.value.Alarm.EvaluationPeriods
  threshold           = each.value.Alarm.Threshold
  comparison_operator = each.value.Alarm.ComparisonOperator
  # No data while the api is down: do not scale on it.
  treat_missing_data = "missing"
  alarm_actions      = [aws_appautoscaling_policy.step[each.key].arn]
}
