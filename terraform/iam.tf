# Project-level grants. No account holds owner, editor or an admin role; everything narrower
# than the project (a topic, a secret, a service, an account) is granted where it lives.

locals {
  # The workloads that talk to Cloud SQL, each as its own IAM database user.
  db_workloads = toset(["api", "runtask", "notify", "tick", "worker", "migrate"])

  db_grants = merge([
    for role in ["roles/cloudsql.client", "roles/cloudsql.instanceUser"] : {
      for w in local.db_workloads : "${role}/${w}" => { role = role, member = local.member[w] }
    }
  ]...)

  deployer_roles = toset([
    "roles/run.developer",
    "roles/container.developer",
    "roles/logging.logWriter",
    "roles/cloudscheduler.jobRunner",
  ])
}

resource "google_project_iam_member" "db" {
  for_each = local.db_grants
  project  = var.project_id
  role     = each.value.role
  member   = each.value.member
}

resource "google_project_iam_member" "deployer" {
  for_each = local.deployer_roles
  project  = var.project_id
  role     = each.key
  member   = "serviceAccount:${google_service_account.deployer.email}"
}

resource "google_project_iam_member" "gke_nodes" {
  project = var.project_id
  role    = "roles/container.defaultNodeServiceAccount"
  member  = "serviceAccount:${google_service_account.gke_nodes.email}"
}

# The deployer rolls out revisions that run as these accounts.
resource "google_service_account_iam_member" "deployer_acts_as" {
  for_each           = toset(["api", "runtask", "notify", "agent", "tick", "migrate"])
  service_account_id = google_service_account.workload[each.key].name
  role               = "roles/iam.serviceAccountUser"
  member             = "serviceAccount:${google_service_account.deployer.email}"
}

resource "google_artifact_registry_repository_iam_member" "deployer_pushes" {
  location   = var.region
  repository = module.registry.name
  role       = "roles/artifactregistry.writer"
  member     = "serviceAccount:${google_service_account.deployer.email}"
}
