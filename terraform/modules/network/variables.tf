variable "name" {
  description = "Name of the VPC; its subnet, ranges and NAT are named after it."
  type        = string
}

variable "region" {
  description = "Region of the subnet and the Cloud NAT."
  type        = string
}

variable "subnet_cidr" {
  description = "Primary range: GKE nodes and Cloud Run Direct VPC egress addresses."
  type        = string
}

variable "pods_cidr" {
  description = "Secondary range for GKE Pods."
  type        = string
}

variable "services_cidr" {
  description = "Secondary range for GKE Services."
  type        = string
}

variable "psa_prefix_length" {
  description = "Size of the Private Service Access range Cloud SQL takes its address from."
  type        = number
}
