# The repository's JSON files are the single source of the numbers: the scaling target and
# policies (cloudwatch/autoscaling.json, also read by `crawler simulate` and the local
# autoscaler), the task definition and service (ecs/*.json, also usable with the AWS CLI),
# the alarms (cloudwatch/alarms/*.json) and the dashboard (cloudwatch/dashboard.json).
# Their placeholders (ACCOUNT_ID, INSTANCE_ID, the seed's region) are replaced here.
locals {
  repo_root = "${path.module}/../.."

  account_id  = data.aws_caller_identity.current.account_id
  seed_region = "ap-northeast-2"

  autoscaling     = jsondecode(file("${local.repo_root}/cloudwatch/autoscaling.json"))
  task_definition = jsondecode(replace(replace(file("${local.repo_root}/ecs/task-definition.json"), "ACCOUNT_ID", local.account_id), local.seed_region, var.region))
  ecs_service     = jsondecode(file("${local.repo_root}/ecs/service.json"))

  worker_container = local.task_definition.containerDefinitions[0]

  cluster_name = local.ecs_service.cluster
  service_name = local.ecs_service.serviceName

  # Policies by name; step policies carry the CloudWatch alarm that triggers them.
  scaling_policies = { for p in local.autoscaling.Policies : p.PolicyName => p }
  step_policies    = { for k, p in local.scaling_policies : k => p if p.PolicyType == "StepScaling" }

  alarm_files = fileset("${local.repo_root}/cloudwatch/alarms", "*.json")
  alarms = {
    for f in local.alarm_files : trimsuffix(f, ".json") => jsondecode(
      replace(replace(file("${local.repo_root}/cloudwatch/alarms/${f}"), "ACCOUNT_ID", local.account_id), local.seed_region, var.region)
    )
  }

  image_repository = "${local.account_id}.dkr.ecr.${var.region}.amazonaws.com/${var.name}"
}
