# What an operator is paged for. Each policy notifies var.notification_channels.

resource "google_monitoring_alert_policy" "dead_letters" {
  display_name          = "Torale: messages in a dead-letter subscription"
  combiner              = "OR"
  notification_channels = var.notification_channels
  documentation {
    content = "A run-task, notify or deep-run message failed every delivery. Read it from the *-dead-letter subscription, fix the cause, and replay it (terraform/README.md)."
  }

  conditions {
    display_name = "Dead-letter backlog above zero"
    condition_threshold {
      filter          = "resource.type=\"pubsub_subscription\" AND metric.type=\"pubsub.googleapis.com/subscription/num_undelivered_messages\" AND resource.label.subscription_id=ends_with(\"-dead-letter\")"
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "300s"
      aggregations {
        alignment_period   = "300s"
        per_series_aligner = "ALIGN_MAX"
      }
    }
  }
}

resource "google_monitoring_alert_policy" "runs" {
  display_name          = "Torale: failed or reaped runs"
  combiner              = "OR"
  notification_channels = var.notification_channels
  documentation {
    content = "Runs are failing (\"run failed\" in the runtask or worker logs) or dying mid-run and being reaped. Check the model key, quotas and the agent's logs."
  }

  conditions {
    display_name = "Failed runs per 5 minutes"
    condition_threshold {
      filter          = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.counter["torale-runs-failed"].name}\""
      comparison      = "COMPARISON_GT"
      threshold_value = var.failed_runs_per_5m
      duration        = "0s"
      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_DELTA"
        cross_series_reducer = "REDUCE_SUM"
      }
    }
  }

  conditions {
    display_name = "Reaping passes per 5 minutes"
    condition_threshold {
      filter          = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.counter["torale-runs-reaped"].name}\""
      comparison      = "COMPARISON_GT"
      threshold_value = var.reaped_per_5m
      duration        = "0s"
      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_DELTA"
        cross_series_reducer = "REDUCE_SUM"
      }
    }
  }
}

resource "google_monitoring_alert_policy" "deliveries" {
  display_name          = "Torale: notification deliveries failing"
  combiner              = "OR"
  notification_channels = var.notification_channels
  documentation {
    content = "Email or webhook deliveries are failing (\"delivery failed\" in the notify logs). Check SMTP credentials and the failing webhooks."
  }

  conditions {
    display_name = "Failed deliveries per 5 minutes"
    condition_threshold {
      filter          = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.counter["torale-deliveries-failed"].name}\""
      comparison      = "COMPARISON_GT"
      threshold_value = var.failed_deliveries_per_5m
      duration        = "0s"
      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_DELTA"
        cross_series_reducer = "REDUCE_SUM"
      }
    }
  }
}

resource "google_monitoring_alert_policy" "model" {
  display_name          = "Torale: model rate limits and server errors"
  combiner              = "OR"
  notification_channels = var.notification_channels
  documentation {
    content = "Gemini keeps answering 429 or 5xx (retries and fallbacks in the agent's logs). Raise the quota or switch TORALE_MODEL."
  }

  conditions {
    display_name = "Model 429/5xx per 5 minutes"
    condition_threshold {
      filter          = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.counter["torale-model-errors"].name}\""
      comparison      = "COMPARISON_GT"
      threshold_value = var.model_errors_per_5m
      duration        = "0s"
      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_DELTA"
        cross_series_reducer = "REDUCE_SUM"
      }
    }
  }
}

resource "google_monitoring_alert_policy" "sql_connections" {
  display_name          = "Torale: Cloud SQL connections near the limit"
  combiner              = "OR"
  notification_channels = var.notification_channels
  documentation {
    content = "Connections are above 80% of max_connections. Raise database_max_connections (and the tier), or lower max instances: every pool is sized from their ratio."
  }

  conditions {
    display_name = "Backends above 80% of max_connections"
    condition_threshold {
      filter          = "resource.type=\"cloudsql_database\" AND resource.label.database_id=\"${var.project_id}:${var.sql_instance}\" AND metric.type=\"cloudsql.googleapis.com/database/postgresql/num_backends\""
      comparison      = "COMPARISON_GT"
      threshold_value = floor(var.max_connections * 0.8)
      duration        = "300s"
      aggregations {
        alignment_period     = "60s"
        per_series_aligner   = "ALIGN_MAX"
        cross_series_reducer = "REDUCE_SUM"
      }
    }
  }
}

resource "google_monitoring_alert_policy" "scheduler_jobs" {
  display_name          = "Torale: Cloud Scheduler jobs near the regional quota"
  combiner              = "OR"
  notification_channels = var.notification_channels
  documentation {
    content = "Per-task Cloud Scheduler jobs are near the quota of 1,000 per region. Ask for more quota, or switch to TORALE_SCHEDULER=sweep, which needs no job per task."
  }

  conditions {
    display_name = "Jobs seen by reconcile above ${var.scheduler_jobs_threshold}"
    condition_threshold {
      filter          = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.scheduler_jobs.name}\""
      comparison      = "COMPARISON_GT"
      threshold_value = var.scheduler_jobs_threshold
      duration        = "0s"
      aggregations {
        alignment_period     = "900s"
        per_series_aligner   = "ALIGN_PERCENTILE_99"
        cross_series_reducer = "REDUCE_MAX"
      }
    }
  }
}
