"""Misconfigured checks are refused with plain messages, before any statement runs."""

import datetime as dt

import pytest
from smart_dairy.dataquality import Check, CheckError, validate

NOW = dt.datetime(2026, 3, 5, 12, 0)


def refused(cur, pattern, **values):
    values.setdefault("table", "milking")
    values.setdefault("columns", ("volume",))
    with pytest.raises(CheckError, match=pattern):
        validate(cur, Check(**values))


@pytest.mark.parametrize(
    ("pattern", "values"),
    [
        ("Unknown kind", {"kind": "drop_table"}),
        ("no table or view 'nowhere'", {"kind": "not_null", "table": "nowhere"}),
        ("not a table name", {"kind": "not_null", "table": 'milking"; DROP TABLE farm; --'}),
        ("not a table name", {"kind": "not_null", "table": "Milking"}),
        ("no column 'litres'", {"kind": "not_null", "columns": ("litres",)}),
        ("at least one column", {"kind": "not_null", "columns": ()}),
        ("no column 'uid'", {"kind": "not_null", "key_column": "uid"}),
        ("no column 'company'", {"kind": "not_null", "company_column": "company"}),
        ("share between 0 and 1", {"kind": "not_null", "tolerance": 5}),
        ("not a number", {"kind": "value_in_range", "columns": ("session",), "minimum": 1}),
        ("minimum, a maximum", {"kind": "value_in_range"}),
        ("minimum is above", {"kind": "value_in_range", "minimum": 5, "maximum": 1}),
        ("List the accepted", {"kind": "accepted_values", "columns": ("session",)}),
        ("not a date or time", {"kind": "freshness", "max_age": dt.timedelta(hours=1)}),
        ("maximum age", {"kind": "freshness", "columns": ("date",)}),
        (
            "Look back further",
            {
                "kind": "freshness",
                "columns": ("date",),
                "max_age": dt.timedelta(hours=5),
                "lookback": dt.timedelta(hours=5),
            },
        ),
        ("not a date or time", {"kind": "row_count", "columns": ("session",)}),
        ("2 to 104 weeks", {"kind": "row_count", "columns": ("date",), "weeks": 1}),
        ("grouping the rows", {"kind": "balance"}),
        ("no column 'entry'", {"kind": "balance", "group_column": "entry"}),
        ("Name the table", {"kind": "referential", "columns": ("farm_id",)}),
        ("no table or view 'farms'", {"kind": "referential", "ref_table": "farms"}),
        ("no column 'code'", {"kind": "referential", "ref_table": "farm", "ref_column": "code"}),
        (
            "not of the same type",
            {"kind": "referential", "columns": ("session",), "ref_table": "farm"},
        ),
        ("not a filter", {"kind": "not_null", "filters": (("id", "="),)}),
        ("no column 'state'", {"kind": "not_null", "filters": (("state", "=", "done"),)}),
        ("Unknown filter operator", {"kind": "not_null", "filters": (("id", "~", "1"),)}),
        ("needs a list", {"kind": "not_null", "filters": (("id", "in", 3),)}),
        ("needs a list", {"kind": "not_null", "filters": (("id", "in", []),)}),
        (
            "'session' of milking needs text",
            {"kind": "not_null", "filters": (("session", "=", 1),)},
        ),
        ("'id' of milking needs a number", {"kind": "not_null", "filters": (("id", "=", "1"),)}),
        ("needs a number, not True", {"kind": "not_null", "filters": (("id", "=", True),)}),
        ("needs a number", {"kind": "not_null", "filters": (("id", "in", [1, "x"]),)}),
        ("needs a date", {"kind": "not_null", "filters": (("date", ">", 3),)}),
        ("Only = and !=", {"kind": "not_null", "filters": (("id", ">", None),)}),
    ],
)
def test_refused(farm_tables, pattern, values):
    refused(farm_tables, pattern, **values)


def test_valid_filters_pass(farm_tables):
    filters = (
        ("session", "in", ["morning", "evening"]),
        ("date", ">=", "2026-01-01"),
        ("volume", ">", 1),
        ("farm_id", "!=", None),
    )
    validate(farm_tables, Check(kind="not_null", table="milking", columns=("id",), filters=filters))


def test_a_valid_check_returns_the_column_types(farm_tables):
    types = validate(farm_tables, Check(kind="not_null", table="milking", columns=("volume",)))
    assert types["volume"][0] == "N" and types["date"] == ("D", "date")


def test_schema_qualified_tables(cur):
    cur.execute("CREATE SCHEMA store; CREATE TABLE store.reading (time timestamptz, v float8)")
    check = Check(kind="not_null", table="store.reading", columns=("v",), key_column=None)
    assert set(validate(cur, check)) == {"time", "v"}
    with pytest.raises(CheckError, match=r"no table or view 'public\.reading'"):
        validate(cur, Check(kind="not_null", table="public.reading", columns=("v",)))
