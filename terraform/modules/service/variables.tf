variable "name" {
  description = "Service name; its URL is https://NAME-PROJECT_NUMBER.REGION.run.app."
  type        = string
}

variable "function_target" {
  description = "FUNCTION_TARGET: the function this service serves (platform.AllFunctions)."
  type        = string
}

variable "command" {
  description = "The binary the service runs instead of the image's entry point (the functions server): a function's own binary (platform.OwnBinaries)."
  type        = list(string)
  default     = null
}

variable "region" {
  description = "Region of the service."
  type        = string
}

variable "image" {
  description = "Image of the first revision; Cloud Build deploys the later ones."
  type        = string
}

variable "service_account" {
  description = "Email of the service's own account."
  type        = string
}

variable "cpu" {
  description = "vCPUs of an instance."
  type        = string
  default     = "1"
}

variable "memory" {
  description = "Memory of an instance (Direct VPC egress needs the second generation, which needs 512Mi or more)."
  type        = string
  default     = "512Mi"
}

variable "concurrency" {
  description = "Requests one instance serves at once."
  type        = number
}

variable "timeout_seconds" {
  description = "Request timeout: the function's slowest honest request."
  type        = number

  validation {
    condition     = var.timeout_seconds >= 1 && var.timeout_seconds <= 3600
    error_message = "Cloud Run request timeouts are 1 to 3600 seconds."
  }
}

variable "max_instances" {
  description = "Most instances; the database pool of each is sized from the sum over services."
  type        = number
}

variable "env" {
  description = "Plain environment settings (shared/config names)."
  type        = map(string)
  default     = {}
}

variable "secret_env" {
  description = "Environment settings read from Secret Manager: variable name to the secret's short name."
  type        = map(string)
  default     = {}
}

variable "enabled_secrets" {
  description = "Short names of the secrets that have a value; others in secret_env are left out."
  type        = set(string)
}

variable "secret_ids" {
  description = "Secret Manager secret id by short name."
  type        = map(string)
}

variable "network" {
  description = "VPC for Direct VPC egress."
  type        = string
}

variable "subnetwork" {
  description = "Subnet for Direct VPC egress."
  type        = string
}

variable "public" {
  description = "Whether anyone may call it (the API, which authenticates users itself)."
  type        = bool
  default     = false
}

variable "ingress" {
  description = "Ingress of a service that is not public."
  type        = string
  default     = "INGRESS_TRAFFIC_ALL"
}

variable "invokers" {
  description = "Members allowed to call the service (roles/run.invoker), by a static name."
  type        = map(string)
  default     = {}
}

variable "health_path" {
  description = "Path the startup probe asks."
  type        = string
  default     = "/health"
}
