variable "project_id" {
  description = "Project of the topics and the push accounts."
  type        = string
}

variable "push" {
  description = "Push subscriptions by topic: the endpoint, the OIDC token's audience and account, and the ack deadline (the longest the service may take to answer)."
  type = map(object({
    endpoint             = string
    audience             = string
    service_account      = string
    ack_deadline_seconds = number
  }))

  validation {
    condition     = alltrue([for p in values(var.push) : p.ack_deadline_seconds >= 10 && p.ack_deadline_seconds <= 600])
    error_message = "Pub/Sub ack deadlines are 10 to 600 seconds."
  }
}

variable "pull_topic" {
  description = "The topic (and its subscription) the worker pulls."
  type        = string
}

variable "pull_ack_deadline_seconds" {
  description = "Initial ack deadline of the pull subscription; the worker extends it while it works."
  type        = number
  default     = 60
}

variable "max_delivery_attempts" {
  description = "Deliveries before a message goes to its dead-letter topic (5 to 100)."
  type        = number

  validation {
    condition     = var.max_delivery_attempts >= 5 && var.max_delivery_attempts <= 100
    error_message = "Pub/Sub allows 5 to 100 delivery attempts."
  }
}

variable "publishers" {
  description = "For each topic, the members that publish to it, by a static name."
  type        = map(map(string))
}

variable "pull_subscribers" {
  description = "Members that pull the pull subscription, by a static name."
  type        = map(string)
}

variable "pubsub_agent" {
  description = "IAM member of the project's Pub/Sub service agent."
  type        = string
}
