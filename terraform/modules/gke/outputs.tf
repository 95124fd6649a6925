output "name" {
  description = "Cluster name."
  value       = google_container_cluster.autopilot.name
}

output "location" {
  description = "Cluster location."
  value       = google_container_cluster.autopilot.location
}
