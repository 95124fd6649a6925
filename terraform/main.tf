# Torale on Google Cloud: one module per concern. The five Cloud Run services are in
# services.tf, the accounts in accounts.tf, project-level grants in iam.tf.

module "network" {
  source            = "./modules/network"
  name              = var.name_prefix
  region            = var.region
  subnet_cidr       = var.subnet_cidr
  pods_cidr         = var.pods_cidr
  services_cidr     = var.services_cidr
  psa_prefix_length = 20
  depends_on        = [google_project_service.api]
}

module "registry" {
  source = "./modules/registry"
  name   = var.name_prefix
  region = var.region
  readers = merge(
    { for f in ["api", "runtask", "notify", "agent", "tick", "migrate"] : f => local.member[f] },
    { gke-nodes = "serviceAccount:${google_service_account.gke_nodes.email}" },
  )
  depends_on = [google_project_service.api]
}

module "secrets" {
  source = "./modules/secrets"
  prefix = var.name_prefix
  secrets = {
    "gemini-api-key"     = "GEMINI_API_KEY: the model"
    "perplexity-api-key" = "PERPLEXITY_API_KEY: Perplexity search (TORALE_SEARCH=perplexity)"
    "mem0-api-key"       = "MEM0_API_KEY: task memory in Mem0"
    "clerk-secret-key"   = "CLERK_SECRET_KEY: dashboard sign-in"
    "smtp-url"           = "TORALE_SMTP_URL: smtp(s)://user:password@host:port"
    "notify-secret"      = "TORALE_NOTIFY_SECRET: webhook signing and unsubscribe links"
    "secret-keys"        = "TORALE_SECRET_KEYS: the keyring that seals users' secrets (webhook secrets and headers)"
  }
  # Who reads each secret: exactly the workloads whose settings name it (services.tf and the
  # worker's manifests). terraform/policy checks that the two agree.
  readers = {
    "gemini-api-key"     = ["agent", "worker"]
    "perplexity-api-key" = ["agent", "worker"]
    "mem0-api-key"       = ["runtask", "worker"]
    "clerk-secret-key"   = ["api"]
    "smtp-url"           = ["api", "notify"]
    "notify-secret"      = ["api", "notify"]
    "secret-keys"        = ["api", "notify"]
  }
  members    = local.member
  depends_on = [google_project_service.api]
}

module "database" {
  source            = "./modules/database"
  name              = var.name_prefix
  region            = var.region
  database          = var.database_name
  tier              = var.database_tier
  availability_type = var.database_availability
  max_connections   = var.database_max_connections
  retained_backups  = var.database_retained_backups
  network_id        = module.network.network_id
  psa_connection    = module.network.psa_connection
  users = {
    for w in local.db_workloads : w => { email = local.email[w], owner = w == "migrate" }
  }
}

module "pubsub" {
  source     = "./modules/pubsub"
  project_id = var.project_id
  push = {
    run-task = {
      endpoint             = local.url["runtask"]
      audience             = local.url["runtask"]
      service_account      = google_service_account.caller["push-runtask"].email
      ack_deadline_seconds = local.ack_deadline["run-task"]
    }
    notify = {
      endpoint             = local.url["notify"]
      audience             = local.url["notify"]
      service_account      = google_service_account.caller["push-notify"].email
      ack_deadline_seconds = local.ack_deadline["notify"]
    }
  }
  pull_topic            = "deep-run"
  max_delivery_attempts = var.max_delivery_attempts
  # Who publishes what: task changes and manual runs (api), the sweep, reconcile and reaping
  # (tick, api's admin reconcile) trigger runs; runs publish notifications and hand deep runs
  # to the worker; the worker's runs publish notifications.
  publishers = {
    run-task = { api = local.member["api"], runtask = local.member["runtask"], tick = local.member["tick"] }
    notify   = { api = local.member["api"], runtask = local.member["runtask"], tick = local.member["tick"], worker = local.member["worker"] }
    deep-run = { runtask = local.member["runtask"] }
  }
  pull_subscribers = { worker = local.member["worker"] }
  pubsub_agent     = local.pubsub_agent
  depends_on       = [google_project_service.api]
}

module "scheduler" {
  source               = "./modules/scheduler"
  project_id           = var.project_id
  region               = var.region
  tick_job_name        = "${var.name_prefix}-tick"
  tick_url             = local.url["tick"]
  tick_audience        = local.url["tick"]
  tick_invoker         = google_service_account.caller["tick-invoker"].email
  tick_timeout_seconds = local.sizing.tick.timeout
  role_id              = "${replace(var.name_prefix, "-", "_")}_scheduler_jobs"
  job_writers          = { api = local.member["api"], runtask = local.member["runtask"], tick = local.member["tick"] }
  run_task_topic       = "run-task"
  scheduler_agent      = local.scheduler_agent
  depends_on           = [module.pubsub]
}

module "gke" {
  source                 = "./modules/gke"
  project_id             = var.project_id
  name                   = var.name_prefix
  region                 = var.region
  network                = module.network.network_id
  subnetwork             = module.network.subnet_id
  pods_range             = module.network.pods_range
  services_range         = module.network.services_range
  deletion_protection    = var.gke_deletion_protection
  node_service_account   = google_service_account.gke_nodes.email
  worker_service_account = local.email["worker"]
  worker_namespace       = "torale"
  worker_ksa             = "torale-worker"
}

module "migration" {
  source          = "./modules/migration"
  name            = "${var.name_prefix}-migrate"
  region          = var.region
  image           = var.image
  command         = var.migrate_command
  args            = var.migrate_args
  env             = merge(local.db_env["migrate"], { TORALE_LOG_FORMAT = "json" })
  service_account = local.email["migrate"]
  network         = local.network.network
  subnetwork      = local.network.subnetwork
  depends_on      = [module.database, module.registry]
}

module "monitoring" {
  source                       = "./modules/monitoring"
  project_id                   = var.project_id
  project_number               = local.project_number
  notification_channels        = var.notification_channels
  budget_notification_channels = var.budget_notification_channels
  sql_instance                 = module.database.instance_name
  max_connections              = var.database_max_connections
  failed_runs_per_5m           = var.alert_failed_runs_per_5m
  reaped_per_5m                = var.alert_reaped_per_5m
  failed_deliveries_per_5m     = var.alert_failed_deliveries_per_5m
  model_errors_per_5m          = var.alert_model_errors_per_5m
  scheduler_jobs_threshold     = 900
  billing_account              = var.billing_account
  budget_amount                = var.budget_amount
  budget_currency              = var.budget_currency
  depends_on                   = [google_project_service.api]
}
