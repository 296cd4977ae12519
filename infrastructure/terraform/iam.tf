# Roles. The Fargate task role may do exactly one thing: cloudwatch:PutMetricData (the seed).
# The execution role pulls the image, writes logs and reads the task's SSM secrets.
# The EC2 host's role: PutMetricData (the api's publisher, the CloudWatch agent), pulling from
# ECR, reading /crawler/* from SSM (ec2-bootstrap), Session Manager.

data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

# Names from ecs/task-definition.json (arn:aws:iam::ACCOUNT_ID:role/<name>), so that the file
# registered by scripts/deploy points at these roles.
resource "aws_iam_role" "task_execution" {
  name               = element(split("/", local.task_definition.executionRoleArn), 1)
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

resource "aws_iam_role_policy_attachment" "task_execution" {
  role       = aws_iam_role.task_execution.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

data "aws_iam_policy_document" "task_execution_secrets" {
  statement {
    sid       = "ReadTaskSecrets"
    actions   = ["ssm:GetParameters"]
    resources = [for s in local.worker_container.secrets : s.valueFrom]
  }
}

resource "aws_iam_role_policy" "task_execution_secrets" {
  name   = "read-task-secrets"
  role   = aws_iam_role.task_execution.id
  policy = data.aws_iam_policy_document.task_execution_secrets.json
}

resource "aws_iam_role" "task" {
  name               = element(split("/", local.task_definition.taskRoleArn), 1)
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

data "aws_iam_policy_document" "task_put_metric_data" {
  statement {
    sid       = "PutMetricDataOnly"
    actions   = ["cloudwatch:PutMetricData"]
    resources = ["*"] # PutMetricData has no resource-level permissions
  }
}

resource "aws_iam_role_policy" "task_put_metric_data" {
  name   = "put-metric-data"
  role   = aws_iam_role.task.id
  policy = data.aws_iam_policy_document.task_put_metric_data.json
}

# The EC2 host.
data "aws_iam_policy_document" "ec2_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "host" {
  name               = "${var.name}-ec2-host"
  assume_role_policy = data.aws_iam_policy_document.ec2_assume.json
}

resource "aws_iam_role_policy_attachment" "host" {
  for_each = toset([
    "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy",
    "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
    "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
  ])
  role       = aws_iam_role.host.name
  policy_arn = each.value
}

data "aws_iam_policy_document" "host" {
  statement {
    sid       = "ReadCrawlerParameters"
    actions   = ["ssm:GetParameter", "ssm:GetParameters"]
    resources = ["arn:aws:ssm:${var.region}:${local.account_id}:parameter/crawler/*"]
  }
}

resource "aws_iam_role_policy" "host" {
  name   = "crawler-host"
  role   = aws_iam_role.host.id
  policy = data.aws_iam_policy_document.host.json
}

resource "aws_iam_instance_profile" "host" {
  name = "${var.name}-ec2-host"
  role = aws_iam_role.host.name
}
