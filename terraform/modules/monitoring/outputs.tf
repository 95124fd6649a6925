output "alert_policies" {
  description = "Names of the alert policies."
  value = [
    google_monitoring_alert_policy.dead_letters.name,
    google_monitoring_alert_policy.runs.name,
    google_monitoring_alert_policy.deliveries.name,
    google_monitoring_alert_policy.model.name,
    google_monitoring_alert_policy.sql_connections.name,
    google_monitoring_alert_policy.scheduler_jobs.name,
  ]
}
