output "api_url" {
  description = "Where the API answers (and the CLI's --api-url)."
  value       = local.public_url
}

output "dashboard_url" {
  description = "The dashboard: the API serves it from the same origin."
  value       = local.public_url
}

output "database_connection_name" {
  description = "Cloud SQL connection name (TORALE_CLOUDSQL_INSTANCE)."
  value       = module.database.connection_name
}

output "service_urls" {
  description = "Each Cloud Run service's URL."
  value       = local.url
}

output "image_repository" {
  description = "Where Cloud Build pushes the image."
  value       = module.registry.url
}

output "db_pool_size" {
  description = "TORALE_DB_MAX_CONNS of every process: (max_connections - reserved) / processes that may connect."
  value       = local.db_pool

  precondition {
    condition     = local.db_pool >= 2
    error_message = "The database pool would be under 2 connections a process: raise database_max_connections (and the tier) or lower max_instances / worker_max_replicas."
  }
}

output "deployer_service_account" {
  description = "The account the Cloud Build trigger runs as."
  value       = google_service_account.deployer.email
}

output "cloudbuild_substitutions" {
  description = "Substitutions for the Cloud Build trigger (cloudbuild.yaml documents each)."
  value = {
    _REGION        = var.region
    _REPO          = module.registry.name
    _PREFIX        = var.name_prefix
    _SQL_INSTANCE  = module.database.connection_name
    _DB_MAX_CONNS  = tostring(local.db_pool)
    _WORKER_DB_URL = local.db_url["worker"]
    _WORKER_SA     = local.email["worker"]
    _CLUSTER       = module.gke.name
    _SCHEDULER     = var.scheduler_mode
    _AGENT_TIMEOUT = "${local.agent}s"
    _PUBLIC_URL    = local.public_url
  }
}
