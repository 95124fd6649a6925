# The five Cloud Run services of the one image. Each runs as its own account, reads only the
# secrets it uses (secret_env, whose readers main.tf grants), scales to zero and is sized in
# locals.tf. The api is public (it authenticates users itself); runtask, notify and tick take
# only Google-signed pushes from their own caller; the agent only calls from api and runtask.

module "api" {
  source          = "./modules/service"
  name            = local.service_name["api"]
  function_target = "api"
  region          = var.region
  image           = var.image
  service_account = google_service_account.workload["api"].email
  concurrency     = local.sizing.api.concurrency
  timeout_seconds = local.sizing.api.timeout
  max_instances   = local.sizing.api.max
  public          = true
  env = merge(local.common_env, local.db_env["api"], local.email_env, {
    TORALE_ALLOWED_ORIGINS = join(",", local.allowed_origins)
    TORALE_AGENT_URL       = local.url["agent"]
  })
  secret_env = {
    CLERK_SECRET_KEY     = "clerk-secret-key"
    TORALE_SMTP_URL      = "smtp-url"
    TORALE_NOTIFY_SECRET = "notify-secret"
    TORALE_SECRET_KEYS   = "secret-keys"
  }
  secret_ids      = module.secrets.ids
  enabled_secrets = var.enabled_secrets
  network         = local.network.network
  subnetwork      = local.network.subnetwork
  depends_on      = [module.secrets, module.registry, module.database]
}

module "runtask" {
  source          = "./modules/service"
  name            = local.service_name["runtask"]
  function_target = "runtask"
  region          = var.region
  image           = var.image
  service_account = google_service_account.workload["runtask"].email
  concurrency     = local.sizing.runtask.concurrency
  timeout_seconds = local.sizing.runtask.timeout
  max_instances   = local.sizing.runtask.max
  ingress         = "INGRESS_TRAFFIC_INTERNAL_ONLY"
  invokers        = { push = "serviceAccount:${google_service_account.caller["push-runtask"].email}" }
  env = merge(local.common_env, local.db_env["runtask"], local.push_env["runtask"], {
    TORALE_AGENT_URL = local.url["agent"]
  })
  secret_env = {
    MEM0_API_KEY = "mem0-api-key"
  }
  secret_ids      = module.secrets.ids
  enabled_secrets = var.enabled_secrets
  network         = local.network.network
  subnetwork      = local.network.subnetwork
  depends_on      = [module.secrets, module.registry, module.database]
}

module "notify" {
  source          = "./modules/service"
  name            = local.service_name["notify"]
  function_target = "notify"
  region          = var.region
  image           = var.image
  service_account = google_service_account.workload["notify"].email
  concurrency     = local.sizing.notify.concurrency
  timeout_seconds = local.sizing.notify.timeout
  max_instances   = local.sizing.notify.max
  ingress         = "INGRESS_TRAFFIC_INTERNAL_ONLY"
  invokers        = { push = "serviceAccount:${google_service_account.caller["push-notify"].email}" }
  env             = merge(local.common_env, local.db_env["notify"], local.push_env["notify"], local.email_env)
  secret_env = {
    TORALE_SMTP_URL      = "smtp-url"
    TORALE_NOTIFY_SECRET = "notify-secret"
    TORALE_SECRET_KEYS   = "secret-keys"
  }
  secret_ids      = module.secrets.ids
  enabled_secrets = var.enabled_secrets
  network         = local.network.network
  subnetwork      = local.network.subnetwork
  depends_on      = [module.secrets, module.registry, module.database]
}

module "agent" {
  source          = "./modules/service"
  name            = local.service_name["agent"]
  function_target = "agent"
  # The agent's own binary: the model and the page reader, nothing of the database or the API
  # (platform.OwnBinaries), so an instance starts and idles smaller.
  command         = ["/usr/local/bin/functions-agent"]
  region          = var.region
  image           = var.image
  service_account = google_service_account.workload["agent"].email
  concurrency     = local.sizing.agent.concurrency
  timeout_seconds = local.sizing.agent.timeout
  max_instances   = local.sizing.agent.max
  invokers = {
    api     = local.member["api"]
    runtask = local.member["runtask"]
  }
  env = merge(var.agent_env, {
    TORALE_LOG_FORMAT    = "json"
    TORALE_AGENT_TIMEOUT = "${local.agent}s"
  })
  secret_env = {
    GEMINI_API_KEY     = "gemini-api-key"
    PERPLEXITY_API_KEY = "perplexity-api-key"
  }
  secret_ids      = module.secrets.ids
  enabled_secrets = var.enabled_secrets
  network         = local.network.network
  subnetwork      = local.network.subnetwork
  depends_on      = [module.secrets, module.registry]
}

module "tick" {
  source          = "./modules/service"
  name            = local.service_name["tick"]
  function_target = "tick"
  region          = var.region
  image           = var.image
  service_account = google_service_account.workload["tick"].email
  concurrency     = local.sizing.tick.concurrency
  timeout_seconds = local.sizing.tick.timeout
  max_instances   = local.sizing.tick.max
  ingress         = "INGRESS_TRAFFIC_INTERNAL_ONLY"
  invokers        = { scheduler = "serviceAccount:${google_service_account.caller["tick-invoker"].email}" }
  env             = merge(local.common_env, local.db_env["tick"], local.push_env["tick"])
  secret_ids      = module.secrets.ids
  enabled_secrets = var.enabled_secrets
  network         = local.network.network
  subnetwork      = local.network.subnetwork
  depends_on      = [module.secrets, module.registry, module.database]
}
