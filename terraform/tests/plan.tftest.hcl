# Plans and applies the whole configuration against a mocked provider (no Google Cloud, no
# credentials): every expression, for_each, validation and precondition is evaluated. Run by
# `make tf/validate` (it needs the provider's schema, from TF_PLUGIN_DIR).

mock_provider "google" {
  # Computed values the provider's own checks read; a mock's random strings fail them.
  mock_resource "google_service_account" {
    defaults = {
      email  = "torale-mock@torale-test.iam.gserviceaccount.com"
      name   = "projects/torale-test/serviceAccounts/torale-mock@torale-test.iam.gserviceaccount.com"
      member = "serviceAccount:torale-mock@torale-test.iam.gserviceaccount.com"
    }
  }
  mock_resource "google_compute_network" {
    defaults = {
      id = "projects/torale-test/global/networks/torale"
    }
  }
  mock_resource "google_compute_subnetwork" {
    defaults = {
      id = "projects/torale-test/regions/us-central1/subnetworks/torale-us-central1"
    }
  }
  override_data {
    target = data.google_project.this
    values = { number = "123456789012" }
  }
}

variables {
  project_id      = "torale-test"
  enabled_secrets = ["gemini-api-key", "notify-secret", "clerk-secret-key"]
}

run "defaults" {
  command = apply

  assert {
    condition     = output.api_url == "https://torale-api-123456789012.us-central1.run.app"
    error_message = "the api URL is Cloud Run's deterministic URL"
  }
  assert {
    condition     = output.dashboard_url == output.api_url
    error_message = "the dashboard is served from the API's origin"
  }
  # (100 - 10) / (5 + 5 + 3 + 1 + 4)
  assert {
    condition     = output.db_pool_size == 5
    error_message = "the pool is (max_connections - reserved) / processes"
  }
  assert {
    condition     = module.pubsub.topic_ids["run-task"] != "" && length(module.pubsub.dead_letter_subscriptions) == 3
    error_message = "run-task, notify and deep-run each have a dead-letter subscription"
  }
  assert {
    condition     = local.ack_deadline["run-task"] == 195 && local.ack_deadline["notify"] == 135
    error_message = "ack deadlines follow the services' timeouts"
  }
  assert {
    condition     = local.push_env["runtask"].TORALE_PUSH_AUDIENCE == local.url["runtask"]
    error_message = "runtask accepts tokens for its own URL"
  }
}

run "custom_domain" {
  command = plan
  variables {
    domain                = "torale.example.com"
    extra_allowed_origins = ["https://app.example.com"]
  }
  assert {
    condition     = output.api_url == "https://torale.example.com"
    error_message = "the domain is the public URL"
  }
  assert {
    condition     = join(",", local.allowed_origins) == "https://torale.example.com,https://app.example.com"
    error_message = "allowed origins are the public URL and the extras"
  }
}

run "pool_too_small" {
  command = plan
  variables {
    database_max_connections = 30
  }
  expect_failures = [output.db_pool_size]
}

run "agent_timeout_beyond_ack_deadline" {
  command = plan
  variables {
    agent_timeout_seconds = 560
  }
  expect_failures = [var.agent_timeout_seconds]
}

run "smtp_needs_a_sender" {
  command = plan
  variables {
    enabled_secrets = ["gemini-api-key", "smtp-url"]
  }
  expect_failures = [var.email_from]
}
