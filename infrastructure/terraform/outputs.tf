output "host_public_ip" {
  description = "The EC2 host's Elastic IP: the API at http://<ip>:3000, SSH as admin@<ip>."
  value       = aws_eip.host.public_ip
}

output "host_instance_id" {
  description = "The EC2 host (aws ssm start-session --target <id>)."
  value       = aws_instance.host.id
}

output "host_private_ip" {
  description = "The host's private address: Redis and PostgreSQL for the workers."
  value       = aws_instance.host.private_ip
}

output "ecs_cluster" {
  description = "The worker cluster."
  value       = aws_ecs_cluster.workers.name
}

output "ecs_service" {
  description = "The worker service."
  value       = aws_ecs_service.worker.name
}

output "ecr_repository_url" {
  description = "Where scripts/deploy pushes the image."
  value       = aws_ecr_repository.crawler.repository_url
}

output "task_definition" {
  description = "The task definition family (scripts/deploy registers new revisions)."
  value       = aws_ecs_task_definition.worker.family
}

output "alert_topics" {
  description = "SNS topics of the alarms."
  value       = { crawler_alerts = aws_sns_topic.alerts.arn, cost_alerts = aws_sns_topic.cost.arn }
}

output "dashboard_url" {
  description = "The CloudWatch dashboard."
  value       = "https://${var.region}.console.aws.amazon.com/cloudwatch/home?region=${var.region}#dashboards:name=${aws_cloudwatch_dashboard.crawler.dashboard_name}"
}
