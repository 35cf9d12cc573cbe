"""The sentences of KPI alerts, in the reader's language (the context's ``lang``),
from the engine's description (``smart_dairy.alerts.describe``): e.g. "Litres per
cow at Farm North fell to 18.2 on 3 March 2025, 2.6 standard deviations below its
30-day mean of 22.4."."""

from .localised_format import format_decimal, format_number, period_label, period_moment


def alert_subject(env, kpi_name, scope=""):
    """ "Litres per cow at Farm North", or the KPI's name alone without a scope."""
    return env._("%(kpi)s at %(scope)s", kpi=kpi_name, scope=scope) if scope else kpi_name


def alert_title(env, subject, period_start, grain):
    """ "Revenue: Mar 2025", the name of an alert."""
    return env._(
        "%(subject)s: %(period)s", subject=subject, period=period_label(env, period_start, grain)
    )


def alert_sentence(env, description, subject, unit=""):
    """The message of one fired alert described by ``description``."""
    d = description
    args = {
        "subject": subject,
        "value": format_number(env, d["value"], unit),
        "moment": period_moment(env, d["period_start"], d["grain"]),
    }
    kind = d["kind"]
    if kind == "anomaly":
        return _anomaly(env, d, args, unit)
    if kind == "change":
        args["pct"] = "—" if d["change_pct"] is None else format_decimal(env, d["change_pct"])
        args["reference"] = format_number(env, d["reference"], unit)
        args["basis"] = (
            env._("the previous period")
            if d["comparison"] == "previous"
            else env._("a year earlier")
        )
        if d["direction"] == "down":
            return env._(
                "%(subject)s fell %(pct)s %% against %(basis)s, to %(value)s %(moment)s "
                "(from %(reference)s).",
                **args,
            )
        return env._(
            "%(subject)s rose %(pct)s %% against %(basis)s, to %(value)s %(moment)s "
            "(from %(reference)s).",
            **args,
        )
    if kind == "limits":
        return _limits(env, d, args, unit)
    args["condition"] = _threshold(env, d, unit)
    return env._("%(subject)s was %(value)s %(moment)s, %(condition)s.", **args)


def expected_range(env, low, high, unit=""):
    """The range a value should stay within, in words: "70 to 95", "at least 49,600";
    False when it has no bound."""
    if low is not None and high is not None:
        return env._(
            "%(low)s to %(high)s",
            low=format_number(env, low, unit),
            high=format_number(env, high, unit),
        )
    if low is not None:
        return env._("at least %s", format_number(env, low, unit))
    if high is not None:
        return env._("at most %s", format_number(env, high, unit))
    return False


def _anomaly(env, d, args, unit):
    args["mean"] = format_number(env, d["mean"], unit)
    args["basis"] = _anomaly_basis(env, d)
    down = d["direction"] == "down"
    if d["z"] is None:
        if down:
            return env._(
                "%(subject)s fell to %(value)s %(moment)s, while %(basis)s held steady at "
                "%(mean)s.",
                **args,
            )
        return env._(
            "%(subject)s rose to %(value)s %(moment)s, while %(basis)s held steady at %(mean)s.",
            **args,
        )
    args["z"] = format_decimal(env, d["z"])
    if down:
        return env._(
            "%(subject)s fell to %(value)s %(moment)s, %(z)s standard deviations below "
            "%(basis)s of %(mean)s.",
            **args,
        )
    return env._(
        "%(subject)s rose to %(value)s %(moment)s, %(z)s standard deviations above "
        "%(basis)s of %(mean)s.",
        **args,
    )


def _anomaly_basis(env, d):
    window = d["window"]
    if d["seasonal"]:
        return env._("its mean for the same weekday over the last %(window)s weeks", window=window)
    return {
        "day": lambda: env._("its %(window)s-day mean", window=window),
        "week": lambda: env._("its %(window)s-week mean", window=window),
        "month": lambda: env._("its %(window)s-month mean", window=window),
        "quarter": lambda: env._("its %(window)s-quarter mean", window=window),
        "year": lambda: env._("its %(window)s-year mean", window=window),
    }[d["grain"]]()


def _limits(env, d, args, unit):
    args["limit"] = format_number(env, d["limit"], unit)
    sentences = {
        ("below", "warning"): lambda: env._(
            "%(subject)s was %(value)s %(moment)s, below the warning limit of %(limit)s.", **args
        ),
        ("above", "warning"): lambda: env._(
            "%(subject)s was %(value)s %(moment)s, above the warning limit of %(limit)s.", **args
        ),
        ("below", "critical"): lambda: env._(
            "%(subject)s was %(value)s %(moment)s, below the critical limit of %(limit)s.", **args
        ),
        ("above", "critical"): lambda: env._(
            "%(subject)s was %(value)s %(moment)s, above the critical limit of %(limit)s.", **args
        ),
    }
    return sentences[d["side"], d["level"]]()


def _threshold(env, d, unit):
    """The condition a threshold alert met, e.g. "below 80 % of its target of 62,000
    (49,600)" or "outside the range 10 to 20"."""
    operator = d["operator"]
    if d["kind"] == "threshold_target":
        args = {
            "low": format_number(env, d["low"]),
            "high": format_number(env, d["high"]),
            "target": format_number(env, d["target"], unit),
            "limit": format_number(env, d["limit"], unit),
        }
        words = {
            "between": lambda: env._(
                "within %(low)s to %(high)s %% of its target of %(target)s", **args
            ),
            "outside": lambda: env._(
                "outside %(low)s to %(high)s %% of its target of %(target)s", **args
            ),
            "<": lambda: env._("below %(low)s %% of its target of %(target)s (%(limit)s)", **args),
            "<=": lambda: env._(
                "at or below %(low)s %% of its target of %(target)s (%(limit)s)", **args
            ),
            ">": lambda: env._("above %(low)s %% of its target of %(target)s (%(limit)s)", **args),
            ">=": lambda: env._(
                "at or above %(low)s %% of its target of %(target)s (%(limit)s)", **args
            ),
            "=": lambda: env._(
                "equal to %(low)s %% of its target of %(target)s (%(limit)s)", **args
            ),
        }
        return words[operator]()
    args = {
        "low": format_number(env, d["low"], unit),
        "high": format_number(env, d["high"], unit),
    }
    words = {
        "between": lambda: env._("within %(low)s to %(high)s", **args),
        "outside": lambda: env._("outside the range %(low)s to %(high)s", **args),
        "<": lambda: env._("below %(low)s", **args),
        "<=": lambda: env._("at or below %(low)s", **args),
        ">": lambda: env._("above %(low)s", **args),
        ">=": lambda: env._("at or above %(low)s", **args),
        "=": lambda: env._("equal to %(low)s", **args),
    }
    return words[operator]()
