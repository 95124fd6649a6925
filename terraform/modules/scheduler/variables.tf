variable "project_id" {
  description = "Project of the jobs."
  type        = string
}

variable "region" {
  description = "Region of the jobs (TORALE_SCHEDULER_LOCATION)."
  type        = string
}

variable "tick_job_name" {
  description = "Name of the minute tick job."
  type        = string
}

variable "tick_url" {
  description = "The tick service's URL."
  type        = string
}

variable "tick_audience" {
  description = "Audience of the tick job's OIDC token (the tick service's TORALE_PUSH_AUDIENCE)."
  type        = string
}

variable "tick_invoker" {
  description = "Email of the account the tick job's token is signed as."
  type        = string
}

variable "tick_timeout_seconds" {
  description = "How long a tick may take (the tick service's request timeout; at most 1800)."
  type        = number
}

variable "role_id" {
  description = "Id of the custom role for job writers."
  type        = string
}

variable "job_writers" {
  description = "Members that write per-task jobs (api, runtask, tick), by a static name."
  type        = map(string)
}

variable "run_task_topic" {
  description = "Name of the run-task topic."
  type        = string
}

variable "scheduler_agent" {
  description = "IAM member of the project's Cloud Scheduler service agent."
  type        = string
}
