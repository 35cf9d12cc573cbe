"""Odoo-style domains (prefix notation) over a fact's columns, turned into SQL.

Columns are checked against the fact and quoted as identifiers; values are
rendered by psycopg2 (``sql.Literal``), never formatted into SQL text by hand.
Semantics follow Odoo: ``!=``, ``not in`` and ``not like`` also match NULL,
and ``!`` negates a condition whose value is unknown (NULL) to true;
``= False`` / ``= None`` mean IS NULL (on boolean columns ``= False`` means
"not true"); ``like``/``ilike`` match anywhere (``%value%``), ``=like`` and
``=ilike`` use the pattern as given.
"""

import datetime as dt
import decimal

from psycopg2 import sql

from .errors import KpiDefinitionError

OPERATORS = (
    "=",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "in",
    "not in",
    "like",
    "ilike",
    "not like",
    "not ilike",
    "=like",
    "=ilike",
)
_SCALARS = (str, int, float, decimal.Decimal, dt.date)
TRUE = sql.SQL("TRUE")
FALSE = sql.SQL("FALSE")


def normalize(domain):
    """The domain as nested tuples (hashable), without checking it."""
    if isinstance(domain, list | tuple):
        return tuple(normalize(item) for item in domain)
    if isinstance(domain, set | frozenset):
        return tuple(sorted(domain, key=repr))
    return domain


def _where(kpi_code):
    return f" in the filter of KPI {kpi_code}" if kpi_code else " in the filter"


def domain_to_sql(domain, fact, kpi_code=None):
    """The SQL condition of ``domain`` over ``fact`` (TRUE for an empty domain)."""
    where = _where(kpi_code)
    if domain is None:
        return TRUE
    if not isinstance(domain, list | tuple):
        owner = f" of KPI {kpi_code}" if kpi_code else ""
        raise KpiDefinitionError(f"The filter{owner} must be a list of conditions")
    stack = []
    for token in reversed(domain):
        if token in ("&", "|"):
            if len(stack) < 2:
                raise KpiDefinitionError(f"Operator {token!r} lacks two conditions{where}")
            left, right = stack.pop(), stack.pop()
            joiner = " AND " if token == "&" else " OR "
            stack.append(sql.SQL("({})").format(sql.SQL(joiner).join([left, right])))
        elif token == "!":
            if not stack:
                raise KpiDefinitionError(f"Operator '!' lacks a condition{where}")
            stack.append(sql.SQL("({} IS NOT TRUE)").format(stack.pop()))
        elif isinstance(token, list | tuple) and len(token) == 3:
            stack.append(_leaf(token, fact, kpi_code))
        else:
            raise KpiDefinitionError(
                f"{token!r} is not a condition{where}: use (column, operator, value), "
                "'&', '|' or '!'"
            )
    if not stack:
        return TRUE
    return sql.SQL("({})").format(sql.SQL(" AND ").join(reversed(stack)))


def _check_scalar(value, where):
    if value is None or isinstance(value, (bool, *_SCALARS)):
        return value
    raise KpiDefinitionError(f"Value {value!r}{where} is not a number, text or date")


def _leaf(leaf, fact, kpi_code):
    name, operator, value = leaf
    where = _where(kpi_code)
    if (name, operator, value) == (1, "=", 1):
        return TRUE
    if (name, operator, value) == (0, "=", 1):
        return FALSE
    column = fact.column(name, "filter", kpi_code)
    if not isinstance(operator, str) or operator.lower() not in OPERATORS:
        raise KpiDefinitionError(
            f"Unknown operator {operator!r}{where}; use one of: {', '.join(OPERATORS)}"
        )
    operator = operator.lower()
    col = sql.Identifier(column)
    boolean = column in fact.boolean_columns
    if operator in ("in", "not in"):
        return _in(col, operator, value, boolean, where)
    value = _check_scalar(value, where)
    if operator in ("=", "!="):
        return _equal(col, operator, value, boolean)
    if operator in ("<", "<=", ">", ">="):
        if value is None or value is False:
            raise KpiDefinitionError(f"Cannot compare {name!r} with an empty value{where}")
        return sql.SQL("({} {} {})").format(col, sql.SQL(operator), sql.Literal(value))
    if not isinstance(value, str):
        raise KpiDefinitionError(f"Operator {operator!r} on {name!r} needs a text value{where}")
    negate = operator.startswith("not ")
    pattern = value if operator.startswith("=") else f"%{value}%"
    keyword = "ILIKE" if operator.endswith("ilike") else "LIKE"
    if negate:
        return sql.SQL("(({col})::text NOT {kw} {pat} OR {col} IS NULL)").format(
            col=col, kw=sql.SQL(keyword), pat=sql.Literal(pattern)
        )
    return sql.SQL("(({})::text {} {})").format(col, sql.SQL(keyword), sql.Literal(pattern))


def _equal(col, operator, value, boolean):
    if value is None or (value is False and not boolean):
        return sql.SQL("({} IS {}NULL)").format(col, sql.SQL("" if operator == "=" else "NOT "))
    if boolean and isinstance(value, bool):
        truth = value if operator == "=" else not value
        return sql.SQL("({} IS {}TRUE)").format(col, sql.SQL("" if truth else "NOT "))
    if operator == "=":
        return sql.SQL("({} = {})").format(col, sql.Literal(value))
    return sql.SQL("({col} <> {val} OR {col} IS NULL)").format(col=col, val=sql.Literal(value))


def _in(col, operator, value, boolean, where):
    if isinstance(value, set | frozenset):
        value = sorted(value, key=repr)
    if not isinstance(value, list | tuple):
        raise KpiDefinitionError(f"Operator {operator!r} needs a list of values{where}")
    values = [_check_scalar(v, where) for v in value]
    has_null = any(v is None or (v is False and not boolean) for v in values)
    values = [v for v in values if not (v is None or (v is False and not boolean))]
    listed = sql.SQL(", ").join(map(sql.Literal, values))
    if operator == "in":
        parts = [sql.SQL("{} IN ({})").format(col, listed)] if values else []
        if has_null:
            parts.append(sql.SQL("{} IS NULL").format(col))
        return sql.SQL("({})").format(sql.SQL(" OR ").join(parts)) if parts else FALSE
    if not values:
        return sql.SQL("({} IS NOT NULL)").format(col) if has_null else TRUE
    if has_null:
        return sql.SQL("({col} NOT IN ({vals}) AND {col} IS NOT NULL)").format(col=col, vals=listed)
    return sql.SQL("({col} NOT IN ({vals}) OR {col} IS NULL)").format(col=col, vals=listed)
