# `terraform test` (offline: the AWS provider is mocked): applies the whole configuration to
# the mock and checks the values Terraform would set against the seed. Run by tests/deploy where a
# terraform binary and the provider are at hand (terraform init, then terraform test).

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_availability_zones" {
    defaults = { names = ["ap-northeast-2a", "ap-northeast-2b"] }
  }
  mock_data "aws_ami" {
    defaults = { id = "ami-0123456789abcdef0" }
  }
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{}" }
  }
  # Computed attributes the provider checks the form of.
  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:ap-northeast-2:123456789012:mock-topic" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/mock-role" }
  }
  mock_resource "aws_appautoscaling_policy" {
    defaults = { arn = "arn:aws:autoscaling:ap-northeast-2:123456789012:scalingPolicy:mock:resource/ecs/service/crawler-workers/crawler-worker-service:policyName/mock" }
  }
  mock_resource "aws_ecr_repository" {
    defaults = { repository_url = "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/crawler" }
  }
  mock_resource "aws_instance" {
    defaults = { id = "i-0123456789abcdef0" }
  }
}

variables {
  admin_cidr = "203.0.113.7/32"
  # The password passes through an ephemeral resource, which mock providers cannot mock yet.
  manage_database_url = false
}

# apply: against the mocked provider (nothing leaves this machine); computed values such as
# the ECR URL inside the container definitions are known then.
run "seed" {
  command = apply

  assert {
    condition     = aws_vpc.main.cidr_block == "10.0.0.0/16" && aws_subnet.public.cidr_block == "10.0.1.0/24" && aws_subnet.private.cidr_block == "10.0.2.0/24"
    error_message = "the seed's network"
  }
  assert {
    condition     = aws_instance.host.instance_type == "t3.large" && aws_instance.host.root_block_device[0].volume_size == 50 && aws_instance.host.root_block_device[0].volume_type == "gp3"
    error_message = "the seed's host"
  }
  assert {
    condition     = aws_appautoscaling_target.workers.min_capacity == 0 && aws_appautoscaling_target.workers.max_capacity == 50
    error_message = "0-50 workers"
  }
  assert {
    condition     = length(aws_appautoscaling_policy.step) == 4 && length(aws_appautoscaling_policy.target_tracking) == 1 && length(aws_cloudwatch_metric_alarm.step) == 4
    error_message = "four step policies with their alarms, one target tracking"
  }
  assert {
    condition     = aws_appautoscaling_policy.step["crawler-queue-over-200"].step_scaling_policy_configuration[0].cooldown == 30 && aws_cloudwatch_metric_alarm.step["crawler-queue-over-200"].threshold == 200
    error_message = "queue > 200: +10 with a 30 s cooldown"
  }
  assert {
    condition     = aws_appautoscaling_policy.target_tracking["crawler-queue-target-tracking"].target_tracking_scaling_policy_configuration[0].target_value == 20
    error_message = "target tracking at 20"
  }
  assert {
    condition     = length(aws_cloudwatch_metric_alarm.seed) == 6 && aws_cloudwatch_metric_alarm.seed["crawler-queue-over-500"].threshold == 500 && aws_cloudwatch_metric_alarm.seed["crawler-running-tasks-over-40"].threshold == 40
    error_message = "the seed's six alarms"
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.seed["crawler-running-tasks-over-40"].alarm_actions == toset(["arn:aws:sns:ap-northeast-2:123456789012:cost-alerts"])
    error_message = "the running-tasks alarm notifies cost-alerts"
  }
  assert {
    condition     = aws_ecs_task_definition.worker.cpu == "1024" && aws_ecs_task_definition.worker.memory == "2048" && jsondecode(aws_ecs_task_definition.worker.container_definitions)[0].command == ["--process=worker"]
    error_message = "1 vCPU, 2 GB, --process=worker"
  }
  assert {
    condition     = aws_ecs_cluster.workers.name == "crawler-workers" && aws_ecs_service.worker.name == "crawler-worker-service" && aws_ecs_service.worker.desired_count == 0 && aws_ecs_service.worker.launch_type == "FARGATE"
    error_message = "the seed's cluster and service, desired 0"
  }
  assert {
    condition     = aws_ecs_service.worker.network_configuration[0].assign_public_ip == false
    error_message = "no public IP for the workers"
  }
  assert {
    condition     = aws_vpc_security_group_ingress_rule.ec2_ssh.cidr_ipv4 == "203.0.113.7/32" && aws_vpc_security_group_ingress_rule.ec2_api.from_port == 3000
    error_message = "SSH from the admin CIDR, 3000 from anywhere"
  }
  assert {
    condition     = length(aws_vpc_security_group_egress_rule.ecs_extra) == 0
    error_message = "no extra worker egress by default"
  }
  assert {
    condition     = length(aws_sns_topic.alerts.name) > 0 && aws_sns_topic.alerts.name == "crawler-alerts" && aws_sns_topic.cost.name == "cost-alerts"
    error_message = "the seed's topics"
  }
}

run "fargate_spot" {
  command = apply

  variables {
    use_fargate_spot = true
  }

  assert {
    # (launch_type is also computed, so the mock keeps the previous run's value: not checked)
    condition     = toset([for s in aws_ecs_service.worker.capacity_provider_strategy : "${s.capacity_provider}:${s.base}:${s.weight}"]) == toset(["FARGATE:1:0", "FARGATE_SPOT:0:1"])
    error_message = "FARGATE_SPOT with one FARGATE task as base"
  }
}

run "ssh_from_anywhere_refused" {
  command = plan

  variables {
    admin_cidr = "0.0.0.0/0"
  }

  expect_failures = [var.admin_cidr]
}
