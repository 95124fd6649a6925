# The Docker repository of the one image. Old untagged images are cleaned up; the newest
# releases are kept, so a rollback has an image to go back to.
resource "google_artifact_registry_repository" "images" {
  location      = var.region
  repository_id = var.name
  format        = "DOCKER"
  description   = "Torale's one image (every function and the deep-run worker)"

  cleanup_policy_dry_run = false
  cleanup_policies {
    id     = "keep-recent"
    action = "KEEP"
    most_recent_versions {
      keep_count = var.keep_versions
    }
  }
  cleanup_policies {
    id     = "delete-old"
    action = "DELETE"
    condition {
      older_than = "2592000s"
    }
  }
}

# Whoever runs the image pulls it: the Cloud Run services' accounts and the worker's nodes.
resource "google_artifact_registry_repository_iam_member" "readers" {
  for_each   = var.readers
  location   = google_artifact_registry_repository.images.location
  repository = google_artifact_registry_repository.images.name
  role       = "roles/artifactregistry.reader"
  member     = each.value
}
