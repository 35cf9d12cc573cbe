"""The error raised for input the customer analytics cannot use."""


class CustomerInputError(ValueError):
    """Bad input to the customer analytics, said in plain words."""
