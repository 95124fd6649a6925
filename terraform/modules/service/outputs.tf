output "name" {
  description = "Service name."
  value       = google_cloud_run_v2_service.fn.name
}

output "uri" {
  description = "The URL Cloud Run reports for the service."
  value       = google_cloud_run_v2_service.fn.uri
}
