variable "project_id" {
  description = "The Google Cloud project Torale runs in."
  type        = string
}

variable "region" {
  description = "Region of everything regional (Cloud Run, Cloud SQL, GKE, Scheduler, the registry)."
  type        = string
  default     = "us-central1"
}

variable "name_prefix" {
  description = "Prefix of every resource and account name (short: account ids are at most 30 characters)."
  type        = string
  default     = "torale"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,10}$", var.name_prefix))
    error_message = "name_prefix is 2 to 11 lowercase letters, digits or dashes, starting with a letter."
  }
}

variable "image" {
  description = "Image of the first revisions (any image that answers GET /health); Cloud Build deploys the real ones."
  type        = string
  default     = "us-docker.pkg.dev/cloudrun/container/hello"
}

variable "domain" {
  description = "Custom domain of the API and dashboard (mapped by you); empty uses the api service's run.app URL."
  type        = string
  default     = ""
}

variable "extra_allowed_origins" {
  description = "Browser origins allowed besides the public URL (TORALE_ALLOWED_ORIGINS)."
  type        = list(string)
  default     = []
}

variable "scheduler_mode" {
  description = "TORALE_SCHEDULER: sweep (the tick triggers due tasks) or cloudscheduler (one job per task)."
  type        = string
  default     = "sweep"

  validation {
    condition     = contains(["sweep", "cloudscheduler"], var.scheduler_mode)
    error_message = "scheduler_mode is sweep or cloudscheduler."
  }
}

variable "agent_timeout_seconds" {
  description = "TORALE_AGENT_TIMEOUT in seconds; runtask's timeout and the run-task ack deadline follow it (at most 600 s)."
  type        = number
  default     = 120

  validation {
    condition     = var.agent_timeout_seconds >= 30 && var.agent_timeout_seconds <= 525
    error_message = "agent_timeout_seconds is 30 to 525: runtask answers within it plus 75 s, and a Pub/Sub ack deadline is at most 600 s."
  }
}

variable "agent_env" {
  description = "Extra settings for the agent service, such as TORALE_MODEL, TORALE_SEARCH or TORALE_MIN_CONFIDENCE."
  type        = map(string)
  default     = {}
}

variable "enabled_secrets" {
  description = "Secrets you have added a version to (terraform/README.md); services read only these. Names: gemini-api-key, perplexity-api-key, mem0-api-key, clerk-secret-key, smtp-url, notify-secret, secret-keys."
  type        = set(string)
  default     = []

  validation {
    condition = length(setsubtract(var.enabled_secrets, [
      "gemini-api-key", "perplexity-api-key", "mem0-api-key", "clerk-secret-key", "smtp-url", "notify-secret", "secret-keys",
    ])) == 0
    error_message = "enabled_secrets names secrets of the secrets module only."
  }
}

variable "email_from" {
  description = "TORALE_EMAIL_FROM, required with the smtp-url secret, such as \"Torale <alerts@example.com>\"."
  type        = string
  default     = ""

  validation {
    condition     = !contains(var.enabled_secrets, "smtp-url") || var.email_from != ""
    error_message = "email_from is required when smtp-url is enabled."
  }
}

variable "max_instances" {
  description = "Most Cloud Run instances per service (the tick always has one); the database pool is sized from their sum."
  type = object({
    api     = number
    runtask = number
    notify  = number
    agent   = number
  })
  default = {
    api     = 5
    runtask = 5
    notify  = 3
    agent   = 10
  }
}

variable "worker_max_replicas" {
  description = "Most deep-run worker Pods (the autoscaler's maxReplicas in deploy/k8s); counts toward the database pool."
  type        = number
  default     = 4
}

variable "database_name" {
  description = "Name of the application database."
  type        = string
  default     = "torale"
}

variable "database_tier" {
  description = "Cloud SQL machine tier."
  type        = string
  default     = "db-custom-1-3840"
}

variable "database_availability" {
  description = "ZONAL or REGIONAL (a standby in another zone, about twice the cost)."
  type        = string
  default     = "ZONAL"
}

variable "database_max_connections" {
  description = "PostgreSQL max_connections; every pool (TORALE_DB_MAX_CONNS) is computed from it."
  type        = number
  default     = 100
}

variable "database_reserved_connections" {
  description = "Connections kept out of the pools: Cloud SQL's superuser ones, the migration job's and an operator's."
  type        = number
  default     = 10
}

variable "database_retained_backups" {
  description = "Daily backups kept (point-in-time recovery covers the last 7 days)."
  type        = number
  default     = 14
}

variable "max_delivery_attempts" {
  description = "Deliveries of a Pub/Sub message before it goes to its dead-letter topic (5 to 100)."
  type        = number
  default     = 10
}

variable "gke_deletion_protection" {
  description = "Whether Terraform refuses to delete the GKE cluster."
  type        = bool
  default     = true
}

variable "migrate_command" {
  description = "Entry point of the migration job in the image."
  type        = list(string)
  default     = ["/usr/local/bin/torale"]
}

variable "migrate_args" {
  description = "Arguments of the migration job."
  type        = list(string)
  default     = ["migrate", "up"]
}

variable "subnet_cidr" {
  description = "Subnet range: GKE nodes and Cloud Run Direct VPC egress."
  type        = string
  default     = "10.10.0.0/20"
}

variable "pods_cidr" {
  description = "GKE Pod range."
  type        = string
  default     = "10.20.0.0/16"
}

variable "services_cidr" {
  description = "GKE Service range."
  type        = string
  default     = "10.30.0.0/20"
}

variable "notification_channels" {
  description = "Cloud Monitoring notification channel ids (projects/P/notificationChannels/N) every alert policy notifies."
  type        = list(string)
  default     = []
}

variable "budget_notification_channels" {
  description = "Notification channel ids the budget notifies (at most 5), besides the billing account's admins."
  type        = list(string)
  default     = []
}

variable "alert_failed_runs_per_5m" {
  description = "Failed runs in 5 minutes above which to alert."
  type        = number
  default     = 10
}

variable "alert_reaped_per_5m" {
  description = "Reaping passes in 5 minutes above which to alert."
  type        = number
  default     = 2
}

variable "alert_failed_deliveries_per_5m" {
  description = "Failed notification deliveries in 5 minutes above which to alert."
  type        = number
  default     = 10
}

variable "alert_model_errors_per_5m" {
  description = "Model 429/5xx answers in 5 minutes above which to alert."
  type        = number
  default     = 20
}

variable "billing_account" {
  description = "Billing account id (XXXXXX-XXXXXX-XXXXXX) for the budget; empty makes none."
  type        = string
  default     = ""
}

variable "budget_amount" {
  description = "Monthly budget in whole units of budget_currency."
  type        = number
  default     = 100
}

variable "budget_currency" {
  description = "The billing account's currency."
  type        = string
  default     = "USD"
}
