variable "region" {
  description = "AWS region (the seed: Seoul)."
  type        = string
  default     = "ap-northeast-2"
}

variable "name" {
  description = "Prefix of resource names that are not fixed by the seed (roles, groups, topics keep the seed's names)."
  type        = string
  default     = "crawler"
}

variable "vpc_cidr" {
  description = "The VPC (the seed: 10.0.0.0/16)."
  type        = string
  default     = "10.0.0.0/16"
}

variable "public_subnet_cidr" {
  description = "Public subnet of the EC2 host and the NAT gateway (the seed: 10.0.1.0/24)."
  type        = string
  default     = "10.0.1.0/24"
}

variable "private_subnet_cidr" {
  description = "Private subnet of the Fargate workers, out through the NAT gateway (the seed: 10.0.2.0/24)."
  type        = string
  default     = "10.0.2.0/24"
}

variable "admin_cidr" {
  description = "The one address allowed to SSH (port 22) to the EC2 host, as a CIDR such as 203.0.113.7/32. Required: no default opens SSH to the world."
  type        = string

  validation {
    condition     = can(cidrhost(var.admin_cidr, 0)) && var.admin_cidr != "0.0.0.0/0"
    error_message = "admin_cidr must be a CIDR (e.g. 203.0.113.7/32) and not 0.0.0.0/0."
  }
}

variable "ssh_public_key" {
  description = "OpenSSH public key installed for the EC2 host's admin user; empty = no key pair (use SSM Session Manager)."
  type        = string
  default     = ""
}

variable "instance_type" {
  description = "The always-on host (the seed: t3.large)."
  type        = string
  default     = "t3.large"
}

variable "root_volume_gb" {
  description = "The host's gp3 root volume in GB (the seed: 50)."
  type        = number
  default     = 50
}

variable "base_workers" {
  description = "Worker containers on the EC2 host (the seed: 1-2, WORKER_CONCURRENCY=2 each)."
  type        = number
  default     = 1

  validation {
    condition     = var.base_workers >= 1 && var.base_workers <= 2
    error_message = "The seed runs 1 or 2 base workers on the host."
  }
}

variable "redis_maxmemory" {
  description = "Redis maxmemory on the host (noeviction: at this size adding jobs fails; the alarm fires at 80 %)."
  type        = string
  default     = "2gb"
}

variable "image_tag" {
  description = "Tag of the crawler image in ECR that the host and the first task definition use (scripts/deploy pushes it and registers later revisions)."
  type        = string
  default     = "latest"
}

variable "manage_database_url" {
  description = "Terraform writes /crawler/database-url (the workers' DATABASE_URL) from /crawler/postgres-password and the host's address; false: you create /crawler/database-url yourself (e.g. for RDS)."
  type        = bool
  default     = true
}

variable "database_url_version" {
  description = "Bump after changing /crawler/postgres-password so that Terraform rewrites /crawler/database-url (a write-only value)."
  type        = number
  default     = 1
}

variable "use_fargate_spot" {
  description = "Run the workers on FARGATE_SPOT with a FARGATE base of one (about 70 % cheaper; a Spot interruption is a SIGTERM, which the worker drains)."
  type        = bool
  default     = false
}

variable "log_retention_days" {
  description = "Retention of the CloudWatch log groups."
  type        = number
  default     = 30
}

variable "alert_emails" {
  description = "E-mail addresses subscribed to the crawler-alerts topic (each must confirm)."
  type        = list(string)
  default     = []
}

variable "cost_alert_emails" {
  description = "E-mail addresses subscribed to the cost-alerts topic (each must confirm)."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Extra tags on every resource."
  type        = map(string)
  default     = {}
}

variable "worker_extra_egress_ports" {
  description = "TCP ports the Fargate workers may reach anywhere besides 443 (e.g. a crawl proxy's PROXY_PORT). The seed: none."
  type        = list(number)
  default     = []
}
