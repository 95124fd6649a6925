# tflint's bundled terraform ruleset, every rule (naming, typed and documented variables and
# outputs, unused declarations, pinned versions, module structure). No plugin is downloaded:
# the Google ruleset cannot be fetched where this is checked.
config {
  call_module_type = "local"
}

plugin "terraform" {
  enabled = true
  preset  = "all"
}
