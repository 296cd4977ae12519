# The seed's AWS deployment: network, the always-on EC2 host, the Fargate worker service, its
# scaling, alarms and dashboard. The numbers that also drive the simulator and the by-hand AWS
# CLI path are read from the repository's JSON files (cloudwatch/*.json, ecs/*.json), not
# repeated here: see locals.tf. docs/deployment.md walks through init/plan/apply.
terraform {
  required_version = ">= 1.11.0" # ephemeral values, write-only arguments (ssm.tf)

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.90, < 7.0"
    }
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = merge({ app = "crawler", managed-by = "terraform" }, var.tags)
  }
}

data "aws_caller_identity" "current" {}
data "aws_availability_zones" "available" {
  state = "available"
}
