# Security groups exactly as the seed:
#   sg-ec2-crawler: in 3000 from anywhere, 22 from the admin CIDR; out all.
#   sg-ecs-worker:  no inbound; out 6379 and 5432 to the EC2 group, 443 to anywhere.
#   Redis (6379) and PostgreSQL (5432) on the host: only from the two groups.
# Rules are separate resources (not inline blocks) so each is one fact a test can check.
# DNS: Fargate tasks resolve through the VPC resolver (not subject to security groups).
# The scheduler's 3002 is not opened: its /health is for the host itself.

resource "aws_security_group" "ec2" {
  name        = "ec2-crawler" # AWS refuses group names starting with sg-; the seed's name is the Name tag
  description = "crawler EC2 host: api 3000 from anywhere, SSH from the admin CIDR"
  vpc_id      = aws_vpc.main.id

  tags = { Name = "sg-ec2-crawler" }
}

resource "aws_security_group" "ecs" {
  name        = "ecs-worker"
  description = "crawler Fargate workers: no inbound; Redis and PostgreSQL on the host, HTTPS out"
  vpc_id      = aws_vpc.main.id

  tags = { Name = "sg-ecs-worker" }
}

resource "aws_vpc_security_group_ingress_rule" "ec2_api" {
  security_group_id = aws_security_group.ec2.id
  description       = "api + WebSocket"
  ip_protocol       = "tcp"
  from_port         = 3000
  to_port           = 3000
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "ec2_ssh" {
  security_group_id = aws_security_group.ec2.id
  description       = "SSH from the admin address"
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_ipv4         = var.admin_cidr
}

resource "aws_vpc_security_group_ingress_rule" "redis_from_ec2" {
  security_group_id            = aws_security_group.ec2.id
  description                  = "Redis from the EC2 group"
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
  referenced_security_group_id = aws_security_group.ec2.id
}

resource "aws_vpc_security_group_ingress_rule" "redis_from_ecs" {
  security_group_id            = aws_security_group.ec2.id
  description                  = "Redis from the Fargate workers"
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
  referenced_security_group_id = aws_security_group.ecs.id
}

resource "aws_vpc_security_group_ingress_rule" "postgres_from_ec2" {
  security_group_id            = aws_security_group.ec2.id
  description                  = "PostgreSQL from the EC2 group"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = aws_security_group.ec2.id
}

resource "aws_vpc_security_group_ingress_rule" "postgres_from_ecs" {
  security_group_id            = aws_security_group.ec2.id
  description                  = "PostgreSQL from the Fargate workers"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = aws_security_group.ecs.id
}

resource "aws_vpc_security_group_egress_rule" "ec2_all" {
  security_group_id = aws_security_group.ec2.id
  description       = "all outbound"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "ecs_redis" {
  security_group_id            = aws_security_group.ecs.id
  description                  = "Redis on the EC2 host"
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
  referenced_security_group_id = aws_security_group.ec2.id
}

resource "aws_vpc_security_group_egress_rule" "ecs_postgres" {
  security_group_id            = aws_security_group.ecs.id
  description                  = "PostgreSQL on the EC2 host"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = aws_security_group.ec2.id
}

resource "aws_vpc_security_group_egress_rule" "ecs_https" {
  security_group_id = aws_security_group.ecs.id
  description       = "HTTPS: the crawled site, ECR, CloudWatch, SSM"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

# A crawl proxy on another port (PROXY_PORT) needs its own egress rule; the seed has none.
resource "aws_vpc_security_group_egress_rule" "ecs_extra" {
  for_each = toset([for p in var.worker_extra_egress_ports : tostring(p)])

  security_group_id = aws_security_group.ecs.id
  description       = "extra worker egress (crawl proxy)"
  ip_protocol       = "tcp"
  from_port         = tonumber(each.value)
  to_port           = tonumber(each.value)
  cidr_ipv4         = "0.0.0.0/0"
}
