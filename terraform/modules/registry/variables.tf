variable "name" {
  description = "Repository id."
  type        = string
}

variable "region" {
  description = "Repository location."
  type        = string
}

variable "keep_versions" {
  description = "How many of the newest images survive cleanup (rollback targets)."
  type        = number
  default     = 20
}

variable "readers" {
  description = "Principals that pull the image, by a static key (the service's name)."
  type        = map(string)
}
