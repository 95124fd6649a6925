output "name" {
  description = "Job name (gcloud run jobs execute NAME)."
  value       = google_cloud_run_v2_job.migrate.name
}
