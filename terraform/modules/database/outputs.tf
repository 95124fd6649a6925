output "connection_name" {
  description = "project:region:instance, for TORALE_CLOUDSQL_INSTANCE."
  value       = google_sql_database_instance.main.connection_name
}

output "instance_name" {
  description = "Instance name (for monitoring filters)."
  value       = google_sql_database_instance.main.name
}

output "database" {
  description = "Application database name."
  value       = google_sql_database.torale.name
}

output "usernames" {
  description = "PostgreSQL user name of each workload."
  value       = { for k, u in google_sql_user.iam : k => u.name }
}
