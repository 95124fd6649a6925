# Log-based metrics over the app's own log lines (JSON on stdout; the message is the line's
# "message"). The strings are the ones the code logs: shared/runner, shared/outbox,
# shared/agent/gemini and functions/tick.

locals {
  app_logs = "(resource.type=\"cloud_run_revision\" OR resource.type=\"k8s_container\")"

  counters = {
    "torale-runs-failed"       = "jsonPayload.message=\"run failed\""
    "torale-runs-reaped"       = "jsonPayload.message=\"reaped runs whose attempt died\""
    "torale-deliveries-failed" = "jsonPayload.message=\"delivery failed\""
    # Each retry or fallback is a model call that answered 429 (rate-limited) or 5xx.
    "torale-model-errors" = "(jsonPayload.message=\"retrying model call\" OR jsonPayload.message=\"falling back to another model\")"
  }
}

resource "google_logging_metric" "counter" {
  for_each = local.counters
  name     = each.key
  filter   = "${local.app_logs} AND ${each.value}"

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"
  }
}

# The tick logs how many Cloud Scheduler jobs the reconcile pass saw.
resource "google_logging_metric" "scheduler_jobs" {
  name            = "torale-scheduler-jobs"
  filter          = "${local.app_logs} AND jsonPayload.message=\"reconcile pass\" AND jsonPayload.scheduler_jobs>=0"
  value_extractor = "EXTRACT(jsonPayload.scheduler_jobs)"

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "DISTRIBUTION"
    unit        = "1"
  }

  bucket_options {
    linear_buckets {
      num_finite_buckets = 20
      width              = 50
      offset             = 0
    }
  }
}
