# The image every role runs (Dockerfile); scripts/deploy builds, tags and pushes it.
resource "aws_ecr_repository" "crawler" {
  name                 = var.name
  image_tag_mutability = "MUTABLE" # :latest moves; scripts/deploy also pushes the git revision

  image_scanning_configuration {
    scan_on_push = true
  }
}

resource "aws_ecr_lifecycle_policy" "crawler" {
  repository = aws_ecr_repository.crawler.name
  policy = jsonencode({
    rules = [{
      rulePriority = 1
      description  = "keep the newest 20 images"
      selection    = { tagStatus = "any", countType = "imageCountMoreThan", countNumber = 20 }
      action       = { type = "expire" }
    }]
  })
}
