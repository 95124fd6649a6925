variable "project_id" {
  description = "Project watched."
  type        = string
}

variable "project_number" {
  description = "Its number (budgets filter by it)."
  type        = string
}

variable "notification_channels" {
  description = "Monitoring notification channel ids every alert policy notifies."
  type        = list(string)
}

variable "budget_notification_channels" {
  description = "Monitoring notification channel ids the budget notifies (at most 5)."
  type        = list(string)

  validation {
    condition     = length(var.budget_notification_channels) <= 5
    error_message = "A budget notifies at most 5 channels."
  }
}

variable "sql_instance" {
  description = "Cloud SQL instance name."
  type        = string
}

variable "max_connections" {
  description = "Its max_connections."
  type        = number
}

variable "failed_runs_per_5m" {
  description = "Failed runs in 5 minutes above which to alert."
  type        = number
}

variable "reaped_per_5m" {
  description = "Reaping passes (each reaped at least one run) in 5 minutes above which to alert."
  type        = number
}

variable "failed_deliveries_per_5m" {
  description = "Failed deliveries in 5 minutes above which to alert."
  type        = number
}

variable "model_errors_per_5m" {
  description = "Model 429/5xx answers in 5 minutes above which to alert."
  type        = number
}

variable "scheduler_jobs_threshold" {
  description = "Cloud Scheduler jobs above which to alert (the regional quota is 1,000)."
  type        = number
}

variable "billing_account" {
  description = "Billing account id for the budget; empty makes no budget."
  type        = string
}

variable "budget_amount" {
  description = "Monthly budget, in whole units of budget_currency."
  type        = number
}

variable "budget_currency" {
  description = "Currency of the budget (the billing account's)."
  type        = string
}
