"""blueprint: service blueprints and customer journey maps from one YAML file."""
from __future__ import annotations

__version__ = "0.2.0"
