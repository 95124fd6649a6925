output "topic_ids" {
  description = "Topic id by name."
  value       = { for k, t in google_pubsub_topic.topic : k => t.id }
}

output "dead_letter_subscriptions" {
  description = "Names of the subscriptions that keep dead letters (alerted on)."
  value       = [for s in google_pubsub_subscription.dead_letter : s.name]
}

output "pull_subscription" {
  description = "Name of the worker's subscription."
  value       = google_pubsub_subscription.pull.name
}
