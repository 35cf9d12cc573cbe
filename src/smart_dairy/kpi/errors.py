"""The error raised for a KPI definition (or query) the engine cannot accept."""


class KpiDefinitionError(ValueError):
    """A KPI, fact, filter or formula is invalid; the message says why in plain words."""


class RequestError(ValueError):
    """A caller's request is malformed or too large: ``field`` names the input,
    ``problem`` says what is wrong, ``limit`` names the limit it hit, if any."""

    def __init__(self, field, problem, limit=None):
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem
        self.limit = limit
