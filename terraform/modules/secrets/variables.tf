variable "prefix" {
  description = "Prefix of every secret id (PREFIX-NAME)."
  type        = string
}

variable "secrets" {
  description = "The secrets by short name, each with what it holds."
  type        = map(string)
}

variable "readers" {
  description = "For each secret's short name, the workloads (keys of members) that read it."
  type        = map(list(string))

  validation {
    condition     = alltrue([for readers in values(var.readers) : length(readers) > 0])
    error_message = "Every secret in readers needs at least one reader."
  }
}

variable "members" {
  description = "IAM member of each workload, by the names readers uses."
  type        = map(string)
}
