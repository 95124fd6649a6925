# The topics the app publishes to (run-task, notify, deep-run; the names are the app's own,
# shared/event), each with a dead-letter topic and a subscription that keeps what lands there.
# run-task and notify are pushed to their Cloud Run services with an OIDC token; deep-run is
# pulled by the worker, which extends the ack deadline while a run works.

locals {
  topics = toset(concat(keys(var.push), [var.pull_topic]))
}

resource "google_pubsub_topic" "topic" {
  for_each                   = local.topics
  name                       = each.key
  message_retention_duration = "86400s"
}

resource "google_pubsub_topic" "dead_letter" {
  for_each = local.topics
  name     = "${each.key}-dead-letter"
}

# Keeps dead letters for a week, for an operator to read and replay; its backlog is alerted on.
resource "google_pubsub_subscription" "dead_letter" {
  for_each                   = local.topics
  name                       = "${each.key}-dead-letter"
  topic                      = google_pubsub_topic.dead_letter[each.key].id
  message_retention_duration = "604800s"
  ack_deadline_seconds       = 60

  expiration_policy {
    ttl = ""
  }
}

resource "google_pubsub_subscription" "push" {
  for_each             = var.push
  name                 = each.key
  topic                = google_pubsub_topic.topic[each.key].id
  ack_deadline_seconds = each.value.ack_deadline_seconds

  push_config {
    push_endpoint = each.value.endpoint
    oidc_token {
      service_account_email = each.value.service_account
      audience              = each.value.audience
    }
  }

  retry_policy {
    minimum_backoff = "10s"
    maximum_backoff = "600s"
  }

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.dead_letter[each.key].id
    max_delivery_attempts = var.max_delivery_attempts
  }

  expiration_policy {
    ttl = ""
  }
}

# The deep-run hand-over: runtask publishes, the worker pulls with flow control and extends
# the ack deadline as it works; a message whose run was handed back (SIGTERM) is nacked and
# redelivered to another worker.
resource "google_pubsub_subscription" "pull" {
  name                       = var.pull_topic
  topic                      = google_pubsub_topic.topic[var.pull_topic].id
  ack_deadline_seconds       = var.pull_ack_deadline_seconds
  message_retention_duration = "86400s"

  retry_policy {
    minimum_backoff = "10s"
    maximum_backoff = "300s"
  }

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.dead_letter[var.pull_topic].id
    max_delivery_attempts = var.max_delivery_attempts
  }

  expiration_policy {
    ttl = ""
  }
}

locals {
  publish_grants = merge([
    for topic, members in var.publishers : {
      for name, member in members : "${topic}/${name}" => { topic = topic, member = member }
    }
  ]...)
}

resource "google_pubsub_topic_iam_member" "publisher" {
  for_each = local.publish_grants
  topic    = google_pubsub_topic.topic[each.value.topic].name
  role     = "roles/pubsub.publisher"
  member   = each.value.member
}

resource "google_pubsub_subscription_iam_member" "pull_subscriber" {
  for_each     = var.pull_subscribers
  subscription = google_pubsub_subscription.pull.name
  role         = "roles/pubsub.subscriber"
  member       = each.value
}

# Pub/Sub's service agent moves undeliverable messages: it publishes to each dead-letter topic
# and acks (subscribes to) the subscription the message left.
resource "google_pubsub_topic_iam_member" "agent_dead_letter" {
  for_each = local.topics
  topic    = google_pubsub_topic.dead_letter[each.key].name
  role     = "roles/pubsub.publisher"
  member   = var.pubsub_agent
}

resource "google_pubsub_subscription_iam_member" "agent_push" {
  for_each     = var.push
  subscription = google_pubsub_subscription.push[each.key].name
  role         = "roles/pubsub.subscriber"
  member       = var.pubsub_agent
}

resource "google_pubsub_subscription_iam_member" "agent_pull" {
  subscription = google_pubsub_subscription.pull.name
  role         = "roles/pubsub.subscriber"
  member       = var.pubsub_agent
}

# The service agent signs each push request's OIDC token as the subscription's account.
resource "google_service_account_iam_member" "agent_token" {
  for_each           = var.push
  service_account_id = "projects/${var.project_id}/serviceAccounts/${each.value.service_account}"
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = var.pubsub_agent
}
