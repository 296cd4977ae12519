# Secrets of the task definition (ecs/task-definition.json "secrets": DATABASE_URL, REDIS_URL,
# PROXY_PASS) as SecureString parameters under /crawler/.
#
# The PostgreSQL password is created by the operator before `terraform apply`
# (docs/deployment.md) as /crawler/postgres-password. Terraform reads it as an ephemeral value
# and writes /crawler/database-url with a write-only argument: the password is in neither the
# plan nor the state. Changing the password: put the new one, bump database_url_version, apply.
# manage_database_url = false leaves /crawler/database-url to you (e.g. pointing at RDS).

ephemeral "aws_ssm_parameter" "postgres_password" {
  count = var.manage_database_url ? 1 : 0

  arn             = "arn:aws:ssm:${var.region}:${local.account_id}:parameter/crawler/postgres-password"
  with_decryption = true
}

resource "aws_ssm_parameter" "database_url" {
  count = var.manage_database_url ? 1 : 0

  name             = "/crawler/database-url"
  type             = "SecureString"
  value_wo         = "postgresql://crawler:${ephemeral.aws_ssm_parameter.postgres_password[0].value}@${local.host_private_ip}:5432/crawler"
  value_wo_version = var.database_url_version
}

resource "aws_ssm_parameter" "redis_url" {
  name  = "/crawler/redis-url"
  type  = "SecureString"
  value = "redis://${local.host_private_ip}:6379"
}

# Set the real value with `aws ssm put-parameter --overwrite` when crawling through a proxy;
# Terraform keeps whatever is there.
resource "aws_ssm_parameter" "proxy_pass" {
  name  = "/crawler/proxy-pass"
  type  = "SecureString"
  value = "unused"

  lifecycle {
    ignore_changes = [value]
  }
}
