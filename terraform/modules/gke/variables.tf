variable "project_id" {
  description = "Project of the cluster."
  type        = string
}

variable "name" {
  description = "Cluster name."
  type        = string
}

variable "region" {
  description = "Region of the (regional) Autopilot cluster."
  type        = string
}

variable "network" {
  description = "VPC id."
  type        = string
}

variable "subnetwork" {
  description = "Subnet id."
  type        = string
}

variable "pods_range" {
  description = "Secondary range name for Pods."
  type        = string
}

variable "services_range" {
  description = "Secondary range name for Services."
  type        = string
}

variable "deletion_protection" {
  description = "Whether Terraform refuses to delete the cluster."
  type        = bool
}

variable "node_service_account" {
  description = "Email of the nodes' account."
  type        = string
}

variable "worker_service_account" {
  description = "Email of the worker's Google service account."
  type        = string
}

variable "worker_namespace" {
  description = "Namespace of the worker (deploy/k8s)."
  type        = string
}

variable "worker_ksa" {
  description = "Kubernetes service account of the worker (deploy/k8s)."
  type        = string
}
