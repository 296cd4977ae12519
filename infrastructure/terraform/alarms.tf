# The seed's monitoring alarms, one file each in cloudwatch/alarms/ (each also a valid
# `aws cloudwatch put-metric-alarm --cli-input-json` input), with the SNS topics they notify.

resource "aws_sns_topic" "alerts" {
  name = "crawler-alerts"
}

resource "aws_sns_topic" "cost" {
  name = "cost-alerts"
}

resource "aws_sns_topic_subscription" "alerts_email" {
  for_each  = toset(var.alert_emails)
  topic_arn = aws_sns_topic.alerts.arn
  protocol  = "email"
  endpoint  = each.value
}

resource "aws_sns_topic_subscription" "cost_email" {
  for_each  = toset(var.cost_alert_emails)
  topic_arn = aws_sns_topic.cost.arn
  protocol  = "email"
  endpoint  = each.value
}

resource "aws_cloudwatch_metric_alarm" "seed" {
  for_each = local.alarms

  alarm_name          = each.value.AlarmName
  alarm_description   = each.value.AlarmDescription
  actions_enabled     = each.value.ActionsEnabled
  namespace           = each.value.Namespace
  metric_name         = each.value.MetricName
  statistic           = each.value.Statistic
  period              = each.value.Period
  evaluation_periods  = each.value.EvaluationPeriods
  datapoints_to_alarm = each.value.DatapointsToAlarm
  threshold           = each.value.Threshold
  comparison_operator = each.value.ComparisonOperator
  treat_missing_data  = each.value.TreatMissingData
  # INSTANCE_ID in a file's dimensions is the host's.
  dimensions    = { for d in try(each.value.Dimensions, []) : d.Name => replace(d.Value, "INSTANCE_ID", aws_instance.host.id) }
  alarm_actions = each.value.AlarmActions
  ok_actions    = each.value.OKActions

  # The files name the topics by ARN (ACCOUNT_ID and region replaced in locals.tf).
  depends_on = [aws_sns_topic.alerts, aws_sns_topic.cost]
}

resource "aws_cloudwatch_dashboard" "crawler" {
  dashboard_name = "crawler"
  dashboard_body = replace(replace(file("${local.repo_root}/cloudwatch/dashboard.json"), "INSTANCE_ID", aws_instance.host.id), local.seed_region, var.region)
}
