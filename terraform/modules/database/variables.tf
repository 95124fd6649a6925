variable "name" {
  description = "Instance name."
  type        = string
}

variable "region" {
  description = "Instance region."
  type        = string
}

variable "database" {
  description = "Name of the application database."
  type        = string
}

variable "tier" {
  description = "Machine tier, such as db-custom-1-3840."
  type        = string
}

variable "availability_type" {
  description = "ZONAL (cheaper) or REGIONAL (a standby in another zone)."
  type        = string

  validation {
    condition     = contains(["ZONAL", "REGIONAL"], var.availability_type)
    error_message = "availability_type is ZONAL or REGIONAL."
  }
}

variable "max_connections" {
  description = "PostgreSQL max_connections; the pools of every workload are sized from it."
  type        = number
}

variable "retained_backups" {
  description = "How many daily backups are kept."
  type        = number
}

variable "network_id" {
  description = "VPC the private IP is in."
  type        = string
}

variable "psa_connection" {
  description = "The Private Service Access connection, which must exist first."
  type        = string
}

variable "users" {
  description = "IAM database users by workload: the service account's email, and whether it owns the schema (the migration job)."
  type = map(object({
    email = string
    owner = bool
  }))
}
