"""Framework-free engine of the Smart Dairy Analytics suite."""

__version__ = "19.0.1.0.0"
