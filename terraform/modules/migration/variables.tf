variable "name" {
  description = "Job name."
  type        = string
}

variable "region" {
  description = "Job region."
  type        = string
}

variable "image" {
  description = "Image of the first version; Cloud Build runs later ones with --image."
  type        = string
}

variable "command" {
  description = "Entry point that runs the migrations (the torale CLI in the image)."
  type        = list(string)
}

variable "args" {
  description = "Its arguments."
  type        = list(string)
}

variable "env" {
  description = "Environment settings (shared/config names)."
  type        = map(string)
}

variable "service_account" {
  description = "Email of the job's own account."
  type        = string
}

variable "timeout_seconds" {
  description = "How long a migration may run."
  type        = number
  default     = 600
}

variable "network" {
  description = "VPC for Direct VPC egress."
  type        = string
}

variable "subnetwork" {
  description = "Subnet for Direct VPC egress."
  type        = string
}
