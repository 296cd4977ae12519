# The Fargate worker fleet: cluster crawler-workers, service crawler-worker-service, task
# definition crawler-worker. Everything but the ids Terraform knows comes from
# ecs/task-definition.json and ecs/service.json.

resource "aws_ecs_cluster" "workers" {
  name = local.cluster_name

  # Container Insights: the RunningTaskCount metric behind the seed's "> 40 tasks" alarm and
  # the dashboard's task widget.
  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

resource "aws_ecs_cluster_capacity_providers" "workers" {
  cluster_name       = aws_ecs_cluster.workers.name
  capacity_providers = ["FARGATE", "FARGATE_SPOT"]

  default_capacity_provider_strategy {
    capacity_provider = "FARGATE"
    weight            = 1
  }
}

resource "aws_cloudwatch_log_group" "worker" {
  name              = local.worker_container.logConfiguration.options["awslogs-group"]
  retention_in_days = var.log_retention_days
}

# Container Insights writes here; created first so that it has a retention.
resource "aws_cloudwatch_log_group" "container_insights" {
  name              = "/aws/ecs/containerinsights/${local.cluster_name}/performance"
  retention_in_days = var.log_retention_days
}

resource "aws_ecs_task_definition" "worker" {
  family                   = local.task_definition.family
  requires_compatibilities = local.task_definition.requiresCompatibilities
  network_mode             = local.task_definition.networkMode
  cpu                      = local.task_definition.cpu
  memory                   = local.task_definition.memory
  execution_role_arn       = aws_iam_role.task_execution.arn
  task_role_arn            = aws_iam_role.task.arn

  runtime_platform {
    operating_system_family = local.task_definition.runtimePlatform.operatingSystemFamily
    cpu_architecture        = local.task_definition.runtimePlatform.cpuArchitecture
  }

  # The file's container, with the image of this repository and tag.
  container_definitions = jsonencode([
    merge(local.worker_container, {
      image = "${aws_ecr_repository.crawler.repository_url}:${var.image_tag}"
    })
  ])

  depends_on = [aws_cloudwatch_log_group.worker]
}

resource "aws_ecs_service" "worker" {
  name                   = local.service_name
  cluster                = aws_ecs_cluster.workers.id
  task_definition        = aws_ecs_task_definition.worker.arn
  desired_count          = local.ecs_service.desiredCount
  propagate_tags         = local.ecs_service.propagateTags
  enable_execute_command = false

  # FARGATE_SPOT optional: a strategy replaces the launch type.
  launch_type = var.use_fargate_spot ? null : local.ecs_service.launchType

  dynamic "capacity_provider_strategy" {
    for_each = var.use_fargate_spot ? [
      { provider = "FARGATE", base = 1, weight = 0 },
      { provider = "FARGATE_SPOT", base = 0, weight = 1 },
    ] : []
    content {
      capacity_provider = capacity_provider_strategy.value.provider
      base              = capacity_provider_strategy.value.base
      weight            = capacity_provider_strategy.value.weight
    }
  }

  deployment_minimum_healthy_percent = local.ecs_service.deploymentConfiguration.minimumHealthyPercent
  deployment_maximum_percent         = local.ecs_service.deploymentConfiguration.maximumPercent

  network_configuration {
    subnets          = [aws_subnet.private.id]
    security_groups  = [aws_security_group.ecs.id]
    assign_public_ip = local.ecs_service.networkConfiguration.awsvpcConfiguration.assignPublicIp == "ENABLED"
  }

  lifecycle {
    # Application Auto Scaling owns the desired count; scripts/deploy registers new task
    # definition revisions and points the service at them.
    ignore_changes = [desired_count, task_definition]
  }

  depends_on = [aws_ecs_cluster_capacity_providers.workers, aws_nat_gateway.main]
}
