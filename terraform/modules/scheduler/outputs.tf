output "tick_job" {
  description = "Name of the minute tick job."
  value       = google_cloud_scheduler_job.tick.name
}

output "jobs_role" {
  description = "The custom role's id."
  value       = google_project_iam_custom_role.jobs.id
}
