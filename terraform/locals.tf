# Values computed from the variables: the services' URLs, their sizes and timeouts, and the
# database pool of each process.

locals {
  project_number = data.google_project.this.number

  # Cloud Run's deterministic URLs (https://SERVICE-PROJECT_NUMBER.REGION.run.app) are known
  # before the services exist, so settings that name a service's own URL (its push audience,
  # TORALE_PUBLIC_URL, the allowed origins) make no dependency cycle.
  service_name = { for f in keys(local.sizing) : f => "${var.name_prefix}-${f}" }
  url          = { for f, name in local.service_name : f => "https://${name}-${local.project_number}.${var.region}.run.app" }

  # The API serves the dashboard from the same origin, so both are this URL.
  public_url      = var.domain == "" ? local.url["api"] : "https://${var.domain}"
  allowed_origins = distinct(concat([local.public_url], var.extra_allowed_origins))

  # Per-function sizing. Timeouts follow platform/functions.go (each function's slowest honest
  # request), plus 15s for the answer to leave before Cloud Run cuts the request. Instances are
  # I/O-bound (the database, the model, SMTP), so one vCPU with 512Mi serves many requests; the
  # tick serves one at a time because a tick is one pass over everything due.
  agent = var.agent_timeout_seconds
  sizing = {
    api     = { concurrency = 80, timeout = max(local.agent + 30, 300) + 15, max = var.max_instances.api }
    runtask = { concurrency = 20, timeout = local.agent + 60 + 15, max = var.max_instances.runtask }
    notify  = { concurrency = 20, timeout = 120 + 15, max = var.max_instances.notify }
    agent   = { concurrency = 10, timeout = local.agent + 30 + 15, max = var.max_instances.agent }
    tick    = { concurrency = 1, timeout = 600 + 15, max = 1 }
  }

  # A push is acked when its service answers, so the ack deadline is the service's timeout
  # (never below the agent timeout, at most Pub/Sub's 600s).
  ack_deadline = {
    run-task = min(600, local.sizing.runtask.timeout)
    notify   = min(600, max(local.sizing.notify.timeout, local.agent))
  }

  # The database pool: the connection limit, less what is kept for the migration job (2),
  # Cloud SQL's superuser connections and operators, divided over the largest number of
  # processes that may connect at once.
  db_processes = sum([
    local.sizing.api.max, local.sizing.runtask.max, local.sizing.notify.max, local.sizing.tick.max,
    var.worker_max_replicas,
  ])
  db_pool = floor((var.database_max_connections - var.database_reserved_connections) / local.db_processes)

  db_user = { for w in local.db_workloads : w => trimsuffix(local.email[w], ".gserviceaccount.com") }
  db_url  = { for w, u in local.db_user : w => "postgres://${urlencode(u)}@localhost/${var.database_name}?sslmode=disable" }

  # Settings every database service reads (shared/config names).
  db_env = {
    for w in local.db_workloads : w => {
      DATABASE_URL             = local.db_url[w]
      TORALE_CLOUDSQL_INSTANCE = module.database.connection_name
      TORALE_DB_MAX_CONNS      = tostring(local.db_pool)
    }
  }

  common_env = {
    TORALE_LOG_FORMAT         = "json"
    TORALE_AGENT_TIMEOUT      = "${local.agent}s"
    TORALE_SCHEDULER          = var.scheduler_mode
    TORALE_PUBSUB_PROJECT     = var.project_id
    TORALE_GCP_PROJECT        = var.project_id
    TORALE_SCHEDULER_LOCATION = var.region
    TORALE_PUBLIC_URL         = local.public_url
  }

  email_env = var.email_from == "" ? {} : { TORALE_EMAIL_FROM = var.email_from }

  # Every push function accepts only tokens for its own URL from its own caller.
  push_env = {
    runtask = { TORALE_PUSH_AUDIENCE = local.url["runtask"], TORALE_PUSH_SERVICE_ACCOUNT = google_service_account.caller["push-runtask"].email }
    notify  = { TORALE_PUSH_AUDIENCE = local.url["notify"], TORALE_PUSH_SERVICE_ACCOUNT = google_service_account.caller["push-notify"].email }
    tick    = { TORALE_PUSH_AUDIENCE = local.url["tick"], TORALE_PUSH_SERVICE_ACCOUNT = google_service_account.caller["tick-invoker"].email }
  }

  network = {
    network    = module.network.network_id
    subnetwork = module.network.subnet_id
  }
}
