"""Validation of a check against the database's catalogue (pg_attribute), so a
misconfigured check is refused with a plain message before it runs."""

import datetime as dt
import re

from .checks import FILTER_OPERATORS, KINDS, Check, CheckError

NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}(\.[a-z_][a-z0-9_]{0,62})?$")
# pg_type.typcategory -> what a check may do with the column
NUMERIC, TEMPORAL = "N", "D"


def split_table(table):
    """(schema, name) of ``table`` ("name" or "schema.name"), refusing odd names."""
    if not isinstance(table, str) or not NAME.match(table):
        raise CheckError(f"{table!r} is not a table name (lower-case letters, digits, _)")
    schema, _dot, name = table.rpartition(".")
    return schema or "public", name


def columns_of(cur, table):
    """{column: (type category, type name)} of a table or view; None when it does not exist."""
    schema, name = split_table(table)
    cur.execute(
        """SELECT a.attname, t.typcategory, t.typname
             FROM pg_class c
             JOIN pg_namespace n ON n.oid = c.relnamespace
             JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
             JOIN pg_type t ON t.oid = a.atttypid
            WHERE n.nspname = %s AND c.relname = %s AND c.relkind IN ('r', 'v', 'm', 'p', 'f')""",
        [schema, name],
    )
    rows = cur.fetchall()
    return {col: (category, typname) for col, category, typname in rows} or None


def _column(columns, table, name, what, category=None):
    if not isinstance(name, str) or name not in columns:
        raise CheckError(f"{table} has no column {name!r} ({what})")
    if category and columns[name][0] not in category:
        wanted = {NUMERIC: "a number", TEMPORAL: "a date or time"}
        need = " or ".join(wanted[c] for c in category)
        raise CheckError(f"Column {name!r} of {table} is not {need} ({what})")
    return name


def _need(condition, message):
    if not condition:
        raise CheckError(message)


def validate(cur, check: Check):
    """Check ``check`` against the database; returns {column: (category, typname)}
    of its table. Raises CheckError saying what is wrong."""
    _need(check.kind in KINDS, f"Unknown kind {check.kind!r}; use one of: {', '.join(KINDS)}")
    columns = columns_of(cur, check.table)
    _need(columns is not None, f"There is no table or view {check.table!r}")
    _need(0 <= check.tolerance <= 1, "The tolerance is a share between 0 and 1")
    cols = tuple(check.columns)
    _need(cols, "Name at least one column to check")
    for name in cols:
        _column(columns, check.table, name, "checked column")
    if check.key_column:
        _column(columns, check.table, check.key_column, "key of the samples")
    if check.company_column:
        _column(columns, check.table, check.company_column, "company")
    for item in check.filters:
        _need(
            isinstance(item, list | tuple) and len(item) == 3,
            f"{item!r} is not a filter: use (column, operator, value)",
        )
        name, operator, value = item
        _column(columns, check.table, name, "filter")
        _need(
            operator in FILTER_OPERATORS,
            f"Unknown filter operator {operator!r}; use one of: {', '.join(FILTER_OPERATORS)}",
        )
        if operator in ("in", "not in"):
            _need(
                isinstance(value, list | tuple) and value,
                f"Operator {operator!r} needs a list of values",
            )
        for item_value in value if isinstance(value, list | tuple) else [value]:
            _filter_value(check.table, name, columns[name][0], item_value, operator)
    _KIND_CHECKS[check.kind](cur, check, columns)
    return columns


# What a filter value must be to compare with a column of each type category.
_FILTER_VALUES = {
    NUMERIC: ((int, float), "a number"),
    "S": ((str,), "text"),
    TEMPORAL: ((str, dt.date), "a date"),
    "B": ((bool,), "True or False"),
}


def _filter_value(table, name, category, value, operator):
    if value is None:
        _need(operator in ("=", "!="), f"Only = and != compare {name!r} with None")
        return
    types, words = _FILTER_VALUES.get(category, ((object,), ""))
    wrong = not isinstance(value, types) or (category == NUMERIC and isinstance(value, bool))
    _need(not wrong, f"Filter on {name!r} of {table} needs {words}, not {value!r}")


def _accepted(_cur, check, _columns):
    _need(check.values, "List the accepted values")


def _range(_cur, check, columns):
    _column(columns, check.table, check.columns[0], "value in range", NUMERIC)
    _need(
        check.minimum is not None or check.maximum is not None, "Give a minimum, a maximum or both"
    )
    if check.minimum is not None and check.maximum is not None:
        _need(check.minimum <= check.maximum, "The minimum is above the maximum")


def _referential(cur, check, columns):
    _need(check.ref_table, "Name the table the key refers to")
    ref_columns = columns_of(cur, check.ref_table)
    _need(ref_columns is not None, f"There is no table or view {check.ref_table!r}")
    _column(ref_columns, check.ref_table, check.ref_column, "referenced key")
    _need(
        ref_columns[check.ref_column][0] == columns[check.columns[0]][0],
        f"{check.columns[0]!r} and {check.ref_table}.{check.ref_column} are not of the same type",
    )


def _freshness(_cur, check, columns):
    _column(columns, check.table, check.columns[0], "freshness", TEMPORAL)
    _need(check.max_age is not None and check.max_age.total_seconds() > 0, "Give a maximum age")
    if check.lookback is not None:
        _need(check.lookback > check.max_age, "Look back further than the maximum age")
    if check.group_column:
        _column(columns, check.table, check.group_column, "group")


def _row_count(_cur, check, columns):
    _column(columns, check.table, check.columns[0], "row count by day", TEMPORAL)
    _need(2 <= check.weeks <= 104, "Compare with 2 to 104 weeks")
    _need(check.z_limit > 0, "The z-score limit must be above zero")
    _need(check.min_change >= 0, "The minimum change cannot be negative")


def _balance(_cur, check, columns):
    _column(columns, check.table, check.columns[0], "balance amount", NUMERIC)
    _need(check.group_column, "Name the column grouping the rows that must balance")
    _column(columns, check.table, check.group_column, "group")
    _need(check.amount_tolerance >= 0, "The amount tolerance cannot be negative")


def _none(_cur, _check, _columns):
    return None


_KIND_CHECKS = {
    "not_null": _none,
    "unique": _none,
    "accepted_values": _accepted,
    "value_in_range": _range,
    "referential": _referential,
    "freshness": _freshness,
    "row_count": _row_count,
    "balance": _balance,
}
