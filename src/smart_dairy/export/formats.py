"""How a KPI value reads: as text (PDF, mails) and as an Excel number format.

A KPI has a display format (currency, number, percentage, volume, ratio, days)
and a unit. Percentage KPIs hold points (35.2 means 35.2 %); Excel gets them as
fractions so its native percentage format shows the same figure.
"""

DASH = "—"
# Decimals shown per display format (currency uses the currency's own digits).
DIGITS = {"percentage": 1, "volume": 0, "days": 1, "ratio": 2, "number": 0}
# Units that need a decimal even though their format usually shows none.
FINE_UNITS = {"L/cow/day": 1, "kg/L": 2}
DEFAULT_CURRENCY = {"symbol": "", "position": "after", "digits": 2}


def _digits(display_format, unit, currency):
    if display_format == "currency":
        return int((currency or DEFAULT_CURRENCY).get("digits", 2))
    return FINE_UNITS.get(unit, DIGITS.get(display_format, 0))


def _suffix(display_format, unit):
    """The text after the number: ' L', ' days', 'x'; nothing for currency and percentage."""
    if display_format in ("currency", "percentage") or not unit:
        return ""
    return unit if unit == "x" else f" {unit}"


def format_value(value, display_format, unit="", currency=None):
    """``value`` as the dashboard shows it, e.g. '€1,234.50', '35.2%', '12,400 L'."""
    if value is None:
        return DASH
    digits = _digits(display_format, unit, currency)
    text = f"{abs(value):,.{digits}f}"
    sign = "-" if value < 0 and float(text.replace(",", "")) else ""
    if display_format == "currency":
        currency = currency or DEFAULT_CURRENCY
        symbol = currency.get("symbol") or ""
        if currency.get("position") == "before":
            return f"{sign}{symbol}{text}"
        return f"{sign}{text}\u00a0{symbol}".rstrip()
    if display_format == "percentage":
        return f"{sign}{text}%"
    return f"{sign}{text}{_suffix(display_format, unit)}"


def format_delta_pct(fraction):
    """A relative change given as a fraction, signed: '+12.5%', '-3.0%'."""
    if fraction is None:
        return DASH
    return f"{fraction * 100:+.1f}%"


def excel_scale(display_format):
    """Factor turning a stored value into the cell value (percentage points to fractions)."""
    return 0.01 if display_format == "percentage" else 1.0


def _quoted(text):
    return '"{}"'.format(text.replace('"', ""))


def excel_format(display_format, unit="", currency=None):
    """The Excel number format code matching :func:`format_value`."""
    digits = _digits(display_format, unit, currency)
    body = "#,##0" + ("." + "0" * digits if digits else "")
    if display_format == "currency":
        currency = currency or DEFAULT_CURRENCY
        symbol = currency.get("symbol") or ""
        if not symbol:
            return body
        if currency.get("position") == "before":
            return _quoted(symbol) + body
        return body + _quoted(" " + symbol)
    if display_format == "percentage":
        return body + "%"
    suffix = _suffix(display_format, unit)
    return body + _quoted(suffix) if suffix else body
