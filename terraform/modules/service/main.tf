# One Cloud Run service of the one image: FUNCTION_TARGET picks its function. It runs as its
# own service account, scales to zero, sends its traffic to the VPC through Direct VPC egress
# (Cloud SQL's private IP) and is billed only while it serves requests (cpu_idle).
#
# Cloud Build rolls out new images (gcloud run deploy), so Terraform leaves the image alone
# after the first apply.

locals {
  # Only the secrets the operator has given a value; a secret with no version would stop the
  # revision from starting.
  secret_env = { for env, name in var.secret_env : env => var.secret_ids[name] if contains(var.enabled_secrets, name) }
}

resource "google_cloud_run_v2_service" "fn" {
  name                 = var.name
  location             = var.region
  ingress              = var.public ? "INGRESS_TRAFFIC_ALL" : var.ingress
  invoker_iam_disabled = var.public
  deletion_protection  = false

  template {
    service_account                  = var.service_account
    execution_environment            = "EXECUTION_ENVIRONMENT_GEN2"
    timeout                          = "${var.timeout_seconds}s"
    max_instance_request_concurrency = var.concurrency

    scaling {
      min_instance_count = 0
      max_instance_count = var.max_instances
    }

    vpc_access {
      egress = "PRIVATE_RANGES_ONLY"
      network_interfaces {
        network    = var.network
        subnetwork = var.subnetwork
      }
    }

    containers {
      image = var.image
      # null runs the image's entry point, the functions server; a function with a binary of
      # its own names it here.
      command = var.command

      resources {
        limits = {
          cpu    = var.cpu
          memory = var.memory
        }
        cpu_idle          = true
        startup_cpu_boost = true
      }

      env {
        name  = "FUNCTION_TARGET"
        value = var.function_target
      }

      dynamic "env" {
        for_each = var.env
        content {
          name  = env.key
          value = env.value
        }
      }

      dynamic "env" {
        for_each = local.secret_env
        content {
          name = env.key
          value_source {
            secret_key_ref {
              secret  = env.value
              version = "latest"
            }
          }
        }
      }

      # /health, not /healthz: Cloud Run keeps some paths ending in z for itself.
      startup_probe {
        http_get {
          path = var.health_path
        }
        period_seconds    = 2
        failure_threshold = 15
        timeout_seconds   = 2
      }
    }
  }

  lifecycle {
    ignore_changes = [
      template[0].containers[0].image,
      client,
      client_version,
    ]
  }
}

resource "google_cloud_run_v2_service_iam_member" "invoker" {
  for_each = var.invokers
  name     = google_cloud_run_v2_service.fn.name
  location = google_cloud_run_v2_service.fn.location
  role     = "roles/run.invoker"
  member   = each.value
}
