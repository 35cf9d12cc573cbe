"""Numbers and periods in the reader's language (the context's ``lang``), with
Odoo's own tools: the language's separators and babel's month names. English
(``en_US``) is honoured even where it is not installed, so that the text stored
with an alert is English in every database."""

from babel.dates import format_date as babel_format_date
from smart_dairy import alerts as alert_engine
from smart_dairy import kpi as engine
from smart_dairy.kpi.periods import as_date, as_grain

from odoo.tools.misc import babel_locale_parse, get_lang


def format_number(env, value, unit=""):
    """1234567.8 -> "1,234,568" ("1 234 568" in French); 18.234 -> "18.2"; with the unit."""
    if value is None:
        return "—"
    digits = alert_engine.display_digits(value)
    text = format_decimal(env, value, digits)
    if digits:
        text = text.rstrip("0").rstrip(_decimal_point(env))
    if unit == "%":
        return f"{text} %"
    return f"{text} {unit}" if unit else text


def format_decimal(env, value, digits=1):
    """``value`` with ``digits`` decimals in the language's notation: "2.6", "2,6"."""
    if _plain_english(env):
        return f"{value:,.{digits}f}"
    return _lang(env).format(f"%.{digits}f", value, grouping=True)


def period_label(env, start, grain):
    """A short label: 2024-03-05, 2024-W09, Mar 2024 (mars 2024), 2024-Q1, 2024."""
    grain = as_grain(grain)
    if grain is engine.Grain.MONTH:
        return _date(env, engine.period_start(start, grain), "MMM y")
    return engine.label(start, grain)


def period_moment(env, start, grain):
    """When, in a sentence: "on 3 March 2025", "in the week of 3 March 2025",
    "in March 2025", "in Q1 2025", "in 2025"."""
    grain, day = as_grain(grain), as_date(start)
    if grain is engine.Grain.DAY:
        return env._("on %(date)s", date=_date(env, day, "d MMMM y"))
    if grain is engine.Grain.WEEK:
        return env._("in the week of %(date)s", date=_date(env, day, "d MMMM y"))
    if grain is engine.Grain.MONTH:
        return env._("in %(month)s", month=_date(env, day, "MMMM y"))
    if grain is engine.Grain.QUARTER:
        return env._("in Q%(quarter)s %(year)s", quarter=(day.month - 1) // 3 + 1, year=day.year)
    return env._("in %(year)s", year=day.year)


def _date(env, day, pattern):
    code = "en_US" if _plain_english(env) else get_lang(env).code
    return babel_format_date(day, pattern, locale=babel_locale_parse(code))


def _plain_english(env):
    """English asked for while the database has not installed it."""
    return env.context.get("lang") == "en_US" and get_lang(env).code != "en_US"


def _decimal_point(env):
    return "." if _plain_english(env) else get_lang(env).decimal_point


def _lang(env):
    return env["res.lang"].browse(get_lang(env).id)
