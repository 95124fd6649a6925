output "network_id" {
  description = "The VPC's id."
  value       = google_compute_network.vpc.id
}

output "network_name" {
  description = "The VPC's name."
  value       = google_compute_network.vpc.name
}

output "subnet_id" {
  description = "The subnet's id."
  value       = google_compute_subnetwork.main.id
}

output "subnet_name" {
  description = "The subnet's name."
  value       = google_compute_subnetwork.main.name
}

output "pods_range" {
  description = "Name of the secondary range for Pods."
  value       = "pods"
}

output "services_range" {
  description = "Name of the secondary range for Services."
  value       = "services"
}

output "psa_connection" {
  description = "The Private Service Access peering; Cloud SQL waits for it."
  value       = google_service_networking_connection.psa.id
}
