output "url" {
  description = "Registry path images are pushed to: REGION-docker.pkg.dev/PROJECT/REPO."
  value       = "${google_artifact_registry_repository.images.location}-docker.pkg.dev/${google_artifact_registry_repository.images.project}/${google_artifact_registry_repository.images.repository_id}"
}

output "name" {
  description = "Repository name."
  value       = google_artifact_registry_repository.images.name
}
