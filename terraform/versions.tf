terraform {
  required_version = ">= 1.9"
  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "~> 7.0"
    }
  }
}

provider "google" {
  project = var.project_id
  region  = var.region
  # Budgets and a few other APIs bill the quota to a project, not to the caller's credentials.
  user_project_override = true
  billing_project       = var.project_id
}
