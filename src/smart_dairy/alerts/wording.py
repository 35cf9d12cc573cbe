"""Alert messages in plain words, e.g. "Litres per cow at Farm North fell to 18.2
on 3 March 2025, 2.6 standard deviations below its 30-day mean of 22.4"."""

from smart_dairy.kpi.periods import Grain, as_date, as_grain

_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
)  # fmt: skip
_UNITS = {
    Grain.DAY: ("day", "days"),
    Grain.WEEK: ("week", "weeks"),
    Grain.MONTH: ("month", "months"),
    Grain.QUARTER: ("quarter", "quarters"),
    Grain.YEAR: ("year", "years"),
}
_OPERATOR_WORDS = {
    "<": "below",
    "<=": "at or below",
    ">": "above",
    ">=": "at or above",
    "=": "equal to",
}


def format_number(value, unit=""):
    """1234567.8 -> "1,234,568"; 18.234 -> "18.2"; 0.534 -> "0.53"; with the unit."""
    if value is None:
        return "—"
    size = abs(value)
    digits = 0 if size >= 1000 else (1 if size >= 10 else 2)
    text = f"{value:,.{digits}f}"
    if digits and "." in text:
        text = text.rstrip("0").rstrip(".")
    if unit == "%":
        return f"{text} %"
    return f"{text} {unit}" if unit else text


def when(period_start, grain):
    """ "on 3 March 2025", "in the week of 3 March 2025", "in March 2025", "in Q1 2025"."""
    day, grain = as_date(period_start), as_grain(grain)
    text = f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
    if grain is Grain.DAY:
        return f"on {text}"
    if grain is Grain.WEEK:
        return f"in the week of {text}"
    if grain is Grain.MONTH:
        return f"in {_MONTHS[day.month - 1]} {day.year}"
    if grain is Grain.QUARTER:
        return f"in Q{(day.month - 1) // 3 + 1} {day.year}"
    return f"in {day.year}"


def describe(rule, outcome, kpi_name, grain, unit="", scope=""):
    """The message of a fired ``outcome`` of ``rule`` on KPI ``kpi_name``;
    ``scope`` names the dimension value, e.g. "Farm North"."""
    subject = f"{kpi_name} at {scope}" if scope else kpi_name
    moment = when(outcome.period_start, grain)
    value = format_number(outcome.value, unit)
    ref = outcome.reference
    if rule.condition == "anomaly":
        unit_one, unit_many = _UNITS[as_grain(grain)]
        verb = "fell" if outcome.value < ref else "rose"
        if rule.seasonal:
            basis = f"its mean for the same weekday over the last {rule.window} weeks"
        else:
            basis = f"its {rule.window}-{unit_one} mean" if rule.window else unit_many
        mean = format_number(ref, unit)
        if outcome.z is None:
            return f"{subject} {verb} to {value} {moment}, while {basis} held steady at {mean}."
        side = "below" if outcome.z < 0 else "above"
        return (
            f"{subject} {verb} to {value} {moment}, {abs(outcome.z):.1f} standard deviations "
            f"{side} {basis} of {mean}."
        )
    if rule.condition == "change":
        basis = "the previous period" if rule.comparison == "previous" else "a year earlier"
        verb = "fell" if outcome.change_pct < 0 else "rose"
        return (
            f"{subject} {verb} {abs(outcome.change_pct):.1f} % against {basis}, to {value} "
            f"{moment} (from {format_number(ref, unit)})."
        )
    if rule.condition == "limits":
        lim = rule.limits
        level = outcome.severity
        low = lim.critical_low if level == "critical" else lim.warning_low
        high = lim.critical_high if level == "critical" else lim.warning_high
        side, limit = ("below", low) if low is not None and outcome.value < low else ("above", high)
        return (
            f"{subject} was {value} {moment}, {side} the {level} limit of "
            f"{format_number(limit, unit)}."
        )
    return f"{subject} was {value} {moment}, {_threshold_words(rule, outcome, unit)}."


def _threshold_words(rule, outcome, unit):
    low, high = rule.threshold, rule.threshold_high
    if rule.relative_to_target:
        target = format_number(outcome.reference, unit)

        def pct(x):
            return f"{format_number(x)} % of its target of {target}"

        if rule.operator in ("between", "outside"):
            word = "within" if rule.operator == "between" else "outside"
            span = f"{format_number(low)} to {format_number(high)} %"
            return f"{word} {span} of its target of {target}"
        limit = outcome.reference * low / 100.0
        return f"{_OPERATOR_WORDS[rule.operator]} {pct(low)} ({format_number(limit, unit)})"
    if rule.operator == "between":
        return f"within {format_number(low, unit)} to {format_number(high, unit)}"
    if rule.operator == "outside":
        return f"outside the range {format_number(low, unit)} to {format_number(high, unit)}"
    return f"{_OPERATOR_WORDS[rule.operator]} {format_number(low, unit)}"
