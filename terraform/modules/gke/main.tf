# GKE Autopilot for deep runs: private nodes (they reach the internet through Cloud NAT),
# Workload Identity, the control plane reached through its IAM-checked DNS endpoint (Cloud
# Build deploys through it; the IP endpoint stays private), and Secret Manager secrets synced
# into Kubernetes Secrets for the worker. The worker itself is YAML (deploy/k8s) that Cloud
# Build applies: the Kubernetes provider cannot be had where this is checked.

resource "google_container_cluster" "autopilot" {
  name                = var.name
  location            = var.region
  enable_autopilot    = true
  deletion_protection = var.deletion_protection
  network             = var.network
  subnetwork          = var.subnetwork

  release_channel {
    channel = "REGULAR"
  }

  ip_allocation_policy {
    cluster_secondary_range_name  = var.pods_range
    services_secondary_range_name = var.services_range
  }

  private_cluster_config {
    enable_private_nodes    = true
    enable_private_endpoint = true
  }

  control_plane_endpoints_config {
    dns_endpoint_config {
      allow_external_traffic = true
    }
  }

  workload_identity_config {
    workload_pool = "${var.project_id}.svc.id.goog"
  }

  secret_sync_config {
    enabled = true
  }

  # Nodes run as an account that can write logs and metrics and pull the image, not as the
  # Compute Engine default account (which often holds Editor).
  cluster_autoscaling {
    auto_provisioning_defaults {
      service_account = var.node_service_account
    }
  }
}

# The worker's Kubernetes service account acts as its Google service account.
resource "google_service_account_iam_member" "worker_identity" {
  service_account_id = "projects/${var.project_id}/serviceAccounts/${var.worker_service_account}"
  role               = "roles/iam.workloadIdentityUser"
  member             = "serviceAccount:${google_container_cluster.autopilot.workload_identity_config[0].workload_pool}[${var.worker_namespace}/${var.worker_ksa}]"
}
