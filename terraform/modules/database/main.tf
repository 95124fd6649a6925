# Cloud SQL for PostgreSQL 16 with a private IP only, IAM database authentication, automated
# backups with point-in-time recovery, and deletion protection both in Terraform and in the
# API. Each workload connects as its own IAM user through the Cloud SQL connector
# (TORALE_CLOUDSQL_INSTANCE); there are no passwords.

resource "google_sql_database_instance" "main" {
  name                = var.name
  region              = var.region
  database_version    = "POSTGRES_16"
  deletion_protection = true

  settings {
    edition                     = "ENTERPRISE"
    tier                        = var.tier
    availability_type           = var.availability_type
    disk_autoresize             = true
    disk_size                   = 10
    deletion_protection_enabled = true

    ip_configuration {
      ipv4_enabled                                  = false
      private_network                               = var.network_id
      enable_private_path_for_google_cloud_services = true
      ssl_mode                                      = "ENCRYPTED_ONLY"
    }

    backup_configuration {
      enabled                        = true
      point_in_time_recovery_enabled = true
      start_time                     = "03:00"
      transaction_log_retention_days = 7
      backup_retention_settings {
        retained_backups = var.retained_backups
      }
    }

    # IAM users log in with an access token; max_connections is set, not derived from the
    # tier, because every pool size is computed from it.
    database_flags {
      name  = "cloudsql.iam_authentication"
      value = "on"
    }
    database_flags {
      name  = "max_connections"
      value = tostring(var.max_connections)
    }

    maintenance_window {
      day          = 7
      hour         = 4
      update_track = "stable"
    }

    insights_config {
      query_insights_enabled = true
    }
  }

  depends_on = [var.psa_connection]
}

resource "google_sql_database" "torale" {
  name     = var.database
  instance = google_sql_database_instance.main.name
}

# One IAM user per workload. The table grants come with the user: the migration job's user is
# in cloudsqlsuperuser (it creates the schema); every other user gets PostgreSQL's predefined
# pg_read_all_data and pg_write_all_data, which cover tables the migrations add later, so no
# GRANT has to follow each migration.
resource "google_sql_user" "iam" {
  for_each       = var.users
  instance       = google_sql_database_instance.main.name
  name           = trimsuffix(each.value.email, ".gserviceaccount.com")
  type           = "CLOUD_IAM_SERVICE_ACCOUNT"
  database_roles = each.value.owner ? ["cloudsqlsuperuser"] : ["pg_read_all_data", "pg_write_all_data"]
}
