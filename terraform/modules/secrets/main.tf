# One Secret Manager secret per credential. Terraform makes the secrets, never their values:
# an operator adds versions (see terraform/README.md), so no secret reaches the state file.
# Each secret is readable by the accounts of the services that use it and by no one else:
# access is granted on the secret, never on the project.

resource "google_secret_manager_secret" "secret" {
  for_each  = var.secrets
  secret_id = "${var.prefix}-${each.key}"
  labels    = { app = var.prefix }

  replication {
    auto {}
  }
}

locals {
  # One grant per (secret, reader).
  grants = merge([
    for secret, readers in var.readers : {
      for reader in readers : "${secret}/${reader}" => { secret = secret, reader = reader }
    }
  ]...)
}

resource "google_secret_manager_secret_iam_member" "reader" {
  for_each  = local.grants
  secret_id = google_secret_manager_secret.secret[each.value.secret].id
  role      = "roles/secretmanager.secretAccessor"
  member    = var.members[each.value.reader]
}
