output "ids" {
  description = "Secret id (the short name Cloud Run references) by short name."
  value       = { for name, s in google_secret_manager_secret.secret : name => s.secret_id }
}
