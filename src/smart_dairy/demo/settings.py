"""Generator settings shipped with the package (smart_dairy/data/demo_settings.json)."""

import json
from importlib import resources


def load_settings():
    """Return the demo generator settings as a fresh dictionary."""
    text = resources.files("smart_dairy").joinpath("data/demo_settings.json").read_text("utf-8")
    return json.loads(text)
