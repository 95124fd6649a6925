# Cloud Scheduler: the minute tick (always deployed: in both modes it runs reconcile, publishes
# due notification retries and reaps stuck runs; only its sweep depends on TORALE_SCHEDULER),
# and what per-task jobs need. Those jobs are written by the api, runtask and tick services,
# and publish to run-task as the Cloud Scheduler service agent.

resource "google_cloud_scheduler_job" "tick" {
  name             = var.tick_job_name
  region           = var.region
  description      = "Torale's minute tick: sweep (sweep mode), reconcile, notification retries, reaping"
  schedule         = "* * * * *"
  time_zone        = "Etc/UTC"
  attempt_deadline = "${var.tick_timeout_seconds}s"

  # A missed minute is made up by the next one; retrying would only pile ticks up.
  retry_config {
    retry_count = 0
  }

  http_target {
    http_method = "POST"
    uri         = var.tick_url
    oidc_token {
      service_account_email = var.tick_invoker
      audience              = var.tick_audience
    }
  }
}

# Writing jobs takes cloudscheduler.jobs.*, which at project level only the Cloud Scheduler
# Admin role grants; this role has just the job permissions the services use.
resource "google_project_iam_custom_role" "jobs" {
  role_id     = var.role_id
  title       = "Torale Cloud Scheduler jobs"
  description = "Create, read, move, pause, resume and delete Cloud Scheduler jobs (Torale's per-task triggers)."
  permissions = [
    "cloudscheduler.jobs.create",
    "cloudscheduler.jobs.delete",
    "cloudscheduler.jobs.enable",
    "cloudscheduler.jobs.get",
    "cloudscheduler.jobs.list",
    "cloudscheduler.jobs.pause",
    "cloudscheduler.jobs.update",
  ]
}

resource "google_project_iam_member" "job_writers" {
  for_each = var.job_writers
  project  = var.project_id
  role     = google_project_iam_custom_role.jobs.id
  member   = each.value
}

# Per-task jobs publish as the service agent, which may publish to run-task and nowhere else.
resource "google_pubsub_topic_iam_member" "agent_publishes_run_task" {
  topic  = var.run_task_topic
  role   = "roles/pubsub.publisher"
  member = var.scheduler_agent
}
