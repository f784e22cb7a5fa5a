"""Templates and assets of blueprint (installed as the package blueprint.templates)."""
