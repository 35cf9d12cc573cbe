"""The error raised for a KPI definition (or query) the engine cannot accept."""


class KpiDefinitionError(ValueError):
    """A KPI, fact, filter or formula is invalid; the message says why in plain words."""
