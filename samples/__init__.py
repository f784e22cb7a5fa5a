"""The sample service files (installed as the package blueprint.samples, for `blueprint init --example`)."""
