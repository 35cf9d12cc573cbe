"""Seeded, deterministic demo data for the Smart Dairy suite.

The generators return plain rows (dataclasses); the Odoo addons turn them into
records. The same settings, seed and "today" always give the same rows.
"""

from .erp import ErpDemo, generate_erp_demo
from .farm import FarmDemo, generate_farm_demo
from .settings import load_settings

__all__ = ["ErpDemo", "FarmDemo", "generate_erp_demo", "generate_farm_demo", "load_settings"]
