# Every workload runs as its own service account, and so does each caller that signs push
# requests: a runtask token cannot call notify, and a leaked key of one service reads only
# that service's secrets.

resource "google_service_account" "workload" {
  for_each     = local.workloads
  account_id   = "${var.name_prefix}-${each.key}"
  display_name = "Torale ${each.key}"
  description  = each.value
}

resource "google_service_account" "caller" {
  for_each     = local.callers
  account_id   = "${var.name_prefix}-${each.key}"
  display_name = "Torale ${each.key}"
  description  = each.value
}

# Cloud Build deploys with this account (see terraform/README.md).
resource "google_service_account" "deployer" {
  account_id   = "${var.name_prefix}-deployer"
  display_name = "Torale deployer (Cloud Build)"
}

# Autopilot nodes run as this account, not the Compute Engine default one.
resource "google_service_account" "gke_nodes" {
  account_id   = "${var.name_prefix}-gke-nodes"
  display_name = "Torale GKE nodes"
}

locals {
  workloads = {
    api     = "The api service"
    runtask = "The runtask service"
    notify  = "The notify service"
    agent   = "The agent service"
    tick    = "The tick service"
    worker  = "The deep-run worker on GKE (Workload Identity)"
    migrate = "The migration job; owns the schema"
  }
  callers = {
    "push-runtask" = "Pub/Sub signs run-task pushes to runtask as this account"
    "push-notify"  = "Pub/Sub signs notify pushes to notify as this account"
    "tick-invoker" = "Cloud Scheduler signs the minute tick to tick as this account"
  }

  member = { for k, sa in google_service_account.workload : k => "serviceAccount:${sa.email}" }
  email  = { for k, sa in google_service_account.workload : k => sa.email }
}
