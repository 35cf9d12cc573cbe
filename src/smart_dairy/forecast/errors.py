"""The error raised for input the forecasting engine cannot use."""


class ForecastInputError(ValueError):
    """Bad input to the forecasting engine, said in plain words."""
