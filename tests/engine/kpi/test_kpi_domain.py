import datetime as dt

import pytest
from psycopg2 import sql
from smart_dairy.kpi import Fact, KpiDefinitionError, domain_to_sql

FACT = Fact(
    name="people",
    relation="people",
    date_column="day",
    dimensions={"region": "region_name"},
    measures={"score": "score"},
    extra_columns=("id", "name", "active", "tag"),
    boolean_columns={"active"},
)
ROWS = [
    # id, company_id, day, region_name, score, name, active, tag
    (1, 1, dt.date(2024, 1, 1), "North", 10.0, "Alice", True, "a"),
    (2, 1, dt.date(2024, 1, 2), "South", 20.0, "bob", False, None),
    (3, 2, dt.date(2024, 1, 3), None, None, "O'Brien", None, "c"),
    (4, 2, dt.date(2024, 1, 4), "North", 40.0, "100%_sure", True, "a"),
    (5, 1, dt.date(2024, 1, 5), "East", 50.0, "Carol", False, "b"),
]


@pytest.fixture
def cur(conn):
    cur = conn.cursor()
    cur.execute(
        """CREATE TABLE people (id int, company_id int, day date, region_name varchar,
               score float8, name varchar, active boolean, tag varchar)"""
    )
    cur.executemany("INSERT INTO people VALUES (%s, %s, %s, %s, %s, %s, %s, %s)", ROWS)
    yield cur
    cur.close()


def ids(cur, domain):
    cur.execute(
        sql.SQL("SELECT id FROM people WHERE {} ORDER BY id").format(domain_to_sql(domain, FACT))
    )
    return [row[0] for row in cur.fetchall()]


@pytest.mark.parametrize(
    ("domain", "expected"),
    [
        ([], [1, 2, 3, 4, 5]),
        ([("region_name", "=", "North")], [1, 4]),
        ([("region", "=", "North")], [1, 4]),  # dimension name resolves to its column
        ([("region", "!=", "North")], [2, 3, 5]),  # != includes NULL, like Odoo
        ([("region", "=", False)], [3]),
        ([("region", "=", None)], [3]),
        ([("region", "!=", False)], [1, 2, 4, 5]),
        ([("score", "<", 20)], [1]),
        ([("score", "<=", 20)], [1, 2]),
        ([("score", ">", 40)], [5]),
        ([("score", ">=", 40)], [4, 5]),
        ([("day", ">=", dt.date(2024, 1, 4))], [4, 5]),
        ([("region", "in", ["North", "East"])], [1, 4, 5]),
        ([("region", "in", ["East", False])], [3, 5]),
        ([("region", "in", [])], []),
        ([("region", "not in", ["North"])], [2, 3, 5]),
        ([("region", "not in", ["North", None])], [2, 5]),
        ([("region", "not in", [])], [1, 2, 3, 4, 5]),
        ([("name", "like", "o")], [2, 5]),  # case-sensitive: not O'Brien
        ([("name", "ilike", "B")], [2, 3]),
        ([("name", "not like", "o")], [1, 3, 4]),
        ([("name", "not ilike", "b")], [1, 4, 5]),
        ([("name", "=like", "C%")], [5]),
        ([("name", "=ilike", "c%")], [5]),
        ([("name", "=", "O'Brien")], [3]),
        ([("active", "=", True)], [1, 4]),
        ([("active", "=", False)], [2, 3, 5]),  # boolean: False means "not true"
        ([("active", "!=", True)], [2, 3, 5]),
        ([("tag", "=", False)], [2]),
        (["|", ("region", "=", "South"), ("score", ">", 45)], [2, 5]),
        (["&", ("region", "=", "North"), ("score", ">", 15)], [4]),
        ([("region", "=", "North"), ("score", ">", 15)], [4]),  # implicit AND
        (["!", ("region", "=", "North")], [2, 3, 5]),  # like Odoo: NOT = is !=
        (["!", ("region", "!=", "North")], [1, 4]),
        (
            ["|", "!", ("active", "=", True), "&", ("tag", "=", "a"), ("score", ">", 30)],
            [2, 3, 4, 5],
        ),
        ([(1, "=", 1)], [1, 2, 3, 4, 5]),
        ([(0, "=", 1)], []),
        (("|", ("id", "=", 1), ("id", "=", 2)), [1, 2]),  # tuples work too
    ],
)
def test_operators_on_real_rows(cur, domain, expected):
    assert ids(cur, domain) == expected


def test_quotes_and_injection_in_values_are_harmless(cur):
    assert ids(cur, [("name", "=", "x'; DROP TABLE people; --")]) == []
    assert ids(cur, [("name", "ilike", "'; DELETE FROM people; --")]) == []
    assert ids(cur, [("name", "in", ["O'Brien", "a'b\\"])]) == [3]
    assert ids(cur, [("name", "like", "100%_")]) == [4]
    cur.execute("SELECT count(*) FROM people")
    assert cur.fetchone()[0] == 5


@pytest.mark.parametrize(
    ("domain", "message"),
    [
        ([("regoin", "=", "North")], "Unknown column 'regoin' in the filter of KPI REV"),
        ([("x; drop table people", "=", 1)], "Unknown column 'x; drop table people'"),
        ([('region_name" = region_name OR "1', "=", 1)], "Unknown column"),
        ([("region", "~", "N.*")], "Unknown operator '~'"),
        ([("region", "= 1 OR 1 =", "x")], "Unknown operator"),
        ([("region", "in", "North")], "needs a list"),
        ([("score", "<", None)], "empty value"),
        ([("name", "like", 5)], "needs a text value"),
        ([("name", "=", {"a": 1})], "is not a number, text or date"),
        ([("name", "=", object())], "is not a number, text or date"),
        (["&", ("id", "=", 1)], "lacks two conditions"),
        (["!"], "lacks a condition"),
        (["or", ("id", "=", 1)], "is not a condition"),
        ([("id", "=")], "is not a condition"),
        ("id = 1", "must be a list"),
    ],
)
def test_bad_filters_are_refused_in_plain_words(domain, message):
    with pytest.raises(KpiDefinitionError, match=message.replace("(", r"\(")):
        domain_to_sql(domain, FACT, "REV")


def test_unknown_column_lists_available_names():
    with pytest.raises(KpiDefinitionError) as info:
        domain_to_sql([("regoin", "=", 1)], FACT, "REV")
    assert "available:" in str(info.value)
    assert "region" in str(info.value).split("available:")[1]


def test_fact_refuses_bad_identifiers():
    with pytest.raises(KpiDefinitionError, match="not a valid name"):
        Fact(name="f", relation="t; drop table t", date_column="d")
    with pytest.raises(KpiDefinitionError, match="not a valid name"):
        Fact(name="f", relation="t", date_column="d", dimensions={"r": 'a"b'})
    with pytest.raises(KpiDefinitionError, match="two dimensions"):
        Fact(name="f", relation="t", date_column="d", dimensions={"r": "a", "s": "a"})
