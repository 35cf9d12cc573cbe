"""Series builders for the forecasting tests."""

import numpy as np
import pandas as pd
import pytest


def _long_frame(series, start="2024-01-01", freq="D"):
    parts = []
    for uid, values in series.items():
        ds = pd.date_range(start, periods=len(values), freq=freq)
        parts.append(pd.DataFrame({"unique_id": uid, "ds": ds, "y": np.asarray(values, float)}))
    return pd.concat(parts, ignore_index=True)


@pytest.fixture
def long_frame():
    """Builds a long table from {unique_id: values} (daily from 2024-01-01 by default)."""
    return _long_frame
