# The always-on host: t3.large, Debian 12, 50 GB gp3, Elastic IP, in the public subnet at a
# fixed private address (the workers' DATABASE_URL and REDIS_URL point at it). User data
# writes the compose file and its companions and runs scripts/ec2-bootstrap.
#
# Failure scenario 1 (host down): the seed suggests an Auto Scaling group of one. Redis's
# AOF and PostgreSQL's data live on this instance's volume, which a replacement instance
# would not have; so instead the instance is recovered in place (same volume, private IP and
# Elastic IP) by the two status-check alarms below.

data "aws_ami" "debian12" {
  most_recent = true
  owners      = ["136693071363"] # Debian's official AMIs

  filter {
    name   = "name"
    values = ["debian-12-amd64-*"]
  }
  filter {
    name   = "architecture"
    values = ["x86_64"]
  }
}

locals {
  host_private_ip = cidrhost(var.public_subnet_cidr, 10)

  user_data = templatefile("${path.module}/user-data.sh.tftpl", {
    compose         = file("${local.repo_root}/docker-compose.ec2.yaml")
    env_example     = file("${local.repo_root}/.env.example")
    agent_config    = file("${local.repo_root}/cloudwatch/agent.json")
    autoscaling     = file("${local.repo_root}/cloudwatch/autoscaling.json")
    redis_report    = file("${local.repo_root}/scripts/redis-memory-report")
    bootstrap       = file("${local.repo_root}/scripts/ec2-bootstrap")
    image           = "${aws_ecr_repository.crawler.repository_url}:${var.image_tag}"
    region          = var.region
    base_workers    = var.base_workers
    redis_maxmemory = var.redis_maxmemory
  })
}

resource "aws_key_pair" "admin" {
  count      = var.ssh_public_key == "" ? 0 : 1
  key_name   = "${var.name}-admin"
  public_key = var.ssh_public_key
}

resource "aws_instance" "host" {
  ami                    = data.aws_ami.debian12.id
  instance_type          = var.instance_type
  subnet_id              = aws_subnet.public.id
  private_ip             = local.host_private_ip
  vpc_security_group_ids = [aws_security_group.ec2.id]
  iam_instance_profile   = aws_iam_instance_profile.host.name
  key_name               = var.ssh_public_key == "" ? null : aws_key_pair.admin[0].key_name
  monitoring             = true # 1-minute EC2 metrics: the CPU alarm's period is 60 s

  user_data_base64            = base64gzip(local.user_data)
  user_data_replace_on_change = false # later changes reach the host by scripts/deploy --host (docs/deployment.md)

  root_block_device {
    volume_type           = "gp3"
    volume_size           = var.root_volume_gb
    encrypted             = true
    delete_on_termination = true
  }

  metadata_options {
    http_tokens = "required" # IMDSv2 only
    # 2: the api's publisher and the CloudWatch agent run in containers (one hop more).
    http_put_response_hop_limit = 2
  }

  maintenance_options {
    auto_recovery = "default"
  }

  tags = { Name = "${var.name}-host" }

  depends_on = [aws_nat_gateway.main]

  lifecycle {
    ignore_changes = [ami] # a newer Debian AMI does not replace the running host
  }
}

resource "aws_eip" "host" {
  domain   = "vpc"
  instance = aws_instance.host.id

  tags       = { Name = "${var.name}-host" }
  depends_on = [aws_internet_gateway.main]
}

# Failure scenario 1: a failed system status check recovers the instance onto other hardware
# (same volume, addresses); a failed instance status check reboots it.
resource "aws_cloudwatch_metric_alarm" "host_recover" {
  alarm_name          = "crawler-ec2-host-recover"
  alarm_description   = "Failure scenario 1: the EC2 host failed its system status check; EC2 recovers it."
  namespace           = "AWS/EC2"
  metric_name         = "StatusCheckFailed_System"
  dimensions          = { InstanceId = aws_instance.host.id }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 2
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  alarm_actions       = ["arn:aws:automate:${var.region}:ec2:recover", aws_sns_topic.alerts.arn]
}

resource "aws_cloudwatch_metric_alarm" "host_reboot" {
  alarm_name          = "crawler-ec2-host-reboot"
  alarm_description   = "Failure scenario 1: the EC2 host failed its instance status check for 3 minutes; EC2 reboots it."
  namespace           = "AWS/EC2"
  metric_name         = "StatusCheckFailed_Instance"
  dimensions          = { InstanceId = aws_instance.host.id }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 3
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  alarm_actions       = ["arn:aws:automate:${var.region}:ec2:reboot", aws_sns_topic.alerts.arn]
}
