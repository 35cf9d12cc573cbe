"""One SQL statement per check. Identifiers are quoted by psycopg2.sql, values
travel as parameters. Every statement but row_count's answers one row per company:
(company_id, examined, failing, samples, measure)."""

import datetime as dt

from psycopg2 import sql

from .checks import SAMPLE_LIMIT
from .schema import split_table

UTC = dt.timezone.utc


def table_sql(table):
    return sql.Identifier(*split_table(table))


def col(name, alias="t"):
    return sql.Identifier(alias, name)


def _company(check):
    return col(check.company_column) if check.company_column else sql.SQL("NULL::int")


def _where(check, params):
    """The filters as one condition (TRUE without any), their values added to ``params``."""
    parts = []
    for i, (name, operator, value) in enumerate(check.filters):
        key = f"filter_{i}"
        params[key] = list(value) if operator in ("in", "not in") else value
        if value is None and operator in ("=", "!="):
            negate = "NOT " if operator == "!=" else ""
            parts.append(sql.SQL("{} IS {}NULL").format(col(name), sql.SQL(negate)))
        elif operator == "in":
            parts.append(sql.SQL("{} = ANY({})").format(col(name), sql.Placeholder(key)))
        elif operator == "not in":
            parts.append(sql.SQL("NOT ({} = ANY({}))").format(col(name), sql.Placeholder(key)))
        else:
            op = "<>" if operator == "!=" else operator
            parts.append(sql.SQL("{} {} {}").format(col(name), sql.SQL(op), sql.Placeholder(key)))
    return sql.SQL(" AND ").join(parts) if parts else sql.SQL("TRUE")


def _samples(expr, bad):
    return sql.SQL("(array_agg({e} ORDER BY {e}) FILTER (WHERE {bad}))[1:{n}]").format(
        e=expr, bad=bad, n=sql.Literal(SAMPLE_LIMIT)
    )


def _row_statement(check, bad, params):
    """A condition per row: count the rows that meet ``bad``."""
    key = col(check.key_column) if check.key_column else None
    samples = _samples(key, bad) if key else sql.SQL("NULL::int[]")
    return sql.SQL(
        """SELECT {company} AS company_id, count(*) AS examined,
                  count(*) FILTER (WHERE {bad}) AS failing, {samples} AS samples, NULL::float8
             FROM {table} t
            WHERE {where}
            GROUP BY 1 ORDER BY 1"""
    ).format(
        company=_company(check),
        bad=bad,
        samples=samples,
        table=table_sql(check.table),
        where=_where(check, params),
    )


# Checks of these kinds test each row on its own: several over the same rows (an equal
# batch_key) are counted in one scan by rows_batch.
ROW_KINDS = ("not_null", "accepted_values", "value_in_range", "referential")


def batch_key(check):
    """What the rows a row check reads depend on, or None for the other kinds."""
    if check.kind not in ROW_KINDS:
        return None
    return (check.table, check.company_column, check.key_column, repr(check.filters))


def _not_null_bad(check, _params, _prefix):
    bad = sql.SQL(" OR ").join(sql.SQL("{} IS NULL").format(col(c)) for c in check.columns)
    return sql.SQL("({})").format(bad)


def _accepted_bad(check, params, prefix):
    params[f"{prefix}accepted"] = [str(v) for v in check.values]
    return sql.SQL("({c} IS NOT NULL AND {c}::text <> ALL({p}::text[]))").format(
        c=col(check.columns[0]), p=sql.Placeholder(f"{prefix}accepted")
    )


def _range_bad(check, params, prefix):
    c = col(check.columns[0])
    parts = []
    if check.minimum is not None:
        params[f"{prefix}minimum"] = check.minimum
        parts.append(sql.SQL("{} < {}").format(c, sql.Placeholder(f"{prefix}minimum")))
    if check.maximum is not None:
        params[f"{prefix}maximum"] = check.maximum
        parts.append(sql.SQL("{} > {}").format(c, sql.Placeholder(f"{prefix}maximum")))
    return sql.SQL("({})").format(sql.SQL(" OR ").join(parts))


def _referential_bad(check, _params, _prefix):
    return sql.SQL(
        "({c} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {ref} r WHERE {rc} = {c}))"
    ).format(c=col(check.columns[0]), ref=table_sql(check.ref_table), rc=col(check.ref_column, "r"))


ROW_CONDITIONS = {
    "not_null": _not_null_bad,
    "accepted_values": _accepted_bad,
    "value_in_range": _range_bad,
    "referential": _referential_bad,
}


def _row_check(check, _types, params):
    return _row_statement(check, ROW_CONDITIONS[check.kind](check, params, ""), params)


def rows_batch(checks, params):
    """One statement for row checks of an equal batch_key: per company, the rows
    examined, then the failing rows and samples of each check in turn."""
    first = checks[0]
    key = col(first.key_column) if first.key_column else None
    columns = []
    for index, check in enumerate(checks):
        bad = ROW_CONDITIONS[check.kind](check, params, f"c{index}_")
        samples = _samples(key, bad) if key else sql.SQL("NULL::int[]")
        columns.append(sql.SQL("count(*) FILTER (WHERE {}), {}").format(bad, samples))
    return sql.SQL(
        """SELECT {company} AS company_id, count(*) AS examined, {columns}
             FROM {table} t
            WHERE {where}
            GROUP BY 1 ORDER BY 1"""
    ).format(
        company=_company(first),
        columns=sql.SQL(", ").join(columns),
        table=table_sql(first.table),
        where=_where(first, params),
    )


def unique(check, _types, params):
    cols = [col(c) for c in check.columns]
    complete = sql.SQL(" AND ").join(sql.SQL("{} IS NOT NULL").format(c) for c in cols)
    key = col(check.key_column) if check.key_column else sql.SQL("NULL::int")
    return sql.SQL(
        """SELECT company_id, count(*) AS examined, count(*) FILTER (WHERE dup) AS failing,
                  {samples} AS samples, NULL::float8
             FROM (SELECT {company} AS company_id, {key} AS key,
                          ({complete}) AND count(*) OVER (PARTITION BY {cols}) > 1 AS dup
                     FROM {table} t
                    WHERE {where}) s
            GROUP BY 1 ORDER BY 1"""
    ).format(
        samples=_samples(sql.SQL("key"), sql.SQL("dup AND key IS NOT NULL")),
        company=_company(check),
        key=key,
        complete=complete,
        cols=sql.SQL(", ").join(cols),
        table=table_sql(check.table),
        where=_where(check, params),
    )


def _grouped(check, inner_value, bad, measure, params, extra=None):
    group = col(check.group_column) if check.group_column else sql.SQL("NULL::int")
    where = _where(check, params)
    if extra is not None:
        where = sql.SQL("{} AND {}").format(where, extra)
    return sql.SQL(
        """SELECT company_id, count(*) AS examined, count(*) FILTER (WHERE {bad}) AS failing,
                  {samples} AS samples, {measure}
             FROM (SELECT {company} AS company_id, {group} AS grp, {value} AS value
                     FROM {table} t
                    WHERE {where}
                    GROUP BY 1, 2) s
            GROUP BY 1 ORDER BY 1"""
    ).format(
        bad=bad,
        samples=_samples(sql.SQL("grp"), sql.SQL("{} AND grp IS NOT NULL").format(bad)),
        measure=measure,
        company=_company(check),
        group=group,
        value=inner_value,
        table=table_sql(check.table),
        where=where,
    )


def bound(day_or_moment, typname):
    """A parameter comparable with a date or time column of type ``typname``, from a
    naive UTC datetime or a date, so that the column's index applies."""
    if typname == "date":
        return day_or_moment if not isinstance(day_or_moment, dt.datetime) else day_or_moment.date()
    moment = day_or_moment
    if not isinstance(moment, dt.datetime):
        moment = dt.datetime.combine(moment, dt.time())
    return moment.replace(tzinfo=UTC) if typname == "timestamptz" else moment


def utc_naive(column, typname):
    """A date or time column as a naive UTC timestamp (a date: the end of its day)."""
    if typname == "date":
        return sql.SQL("({} + 1)::timestamp").format(column)
    if typname == "timestamptz":
        return sql.SQL("({} AT TIME ZONE 'UTC')").format(column)
    return column


def freshness(check, types, params, now):
    params["now"] = now
    params["cutoff"] = now - check.max_age
    typname = types[check.columns[0]][1]
    newest = utc_naive(sql.SQL("max({})").format(col(check.columns[0])), typname)
    recent = None
    if check.lookback:
        params["since"] = bound(now - check.lookback, typname)
        recent = sql.SQL("{} >= %(since)s").format(col(check.columns[0]))
    return _grouped(
        check,
        newest,
        sql.SQL("value < %(cutoff)s"),
        sql.SQL("GREATEST(0, extract(epoch FROM %(now)s - min(value)) / 3600.0)"),
        params,
        recent,
    )


def balance(check, _types, params):
    params["amount_tolerance"] = check.amount_tolerance
    amount = col(check.columns[0])
    return _grouped(
        check,
        sql.SQL("COALESCE(sum({}), 0)").format(amount),
        sql.SQL("abs(value) > %(amount_tolerance)s"),
        sql.SQL("max(abs(value))::float8"),
        params,
    )


def row_count(check, types, params, day):
    """Rows per company on ``day`` and on the same weekday of the weeks before:
    (company_id, day, count)."""
    column = col(check.columns[0])
    typname = types[check.columns[0]][1]
    params["start"] = bound(day - dt.timedelta(weeks=check.weeks), typname)
    params["end"] = bound(day + dt.timedelta(days=1), typname)
    if typname == "date":
        day_sql = column
    else:
        day_sql = sql.SQL("({}::date)").format(utc_naive(column, typname))
    params["dow"] = day.isoweekday()
    return sql.SQL(
        """SELECT {company} AS company_id, {day} AS day, count(*)
             FROM {table} t
            WHERE {column} >= %(start)s AND {column} < %(end)s
              AND extract(isodow FROM {day}) = %(dow)s AND {where}
            GROUP BY 1, 2 ORDER BY 1, 2"""
    ).format(
        company=_company(check),
        day=day_sql,
        table=table_sql(check.table),
        column=column,
        where=_where(check, params),
    )


STATEMENTS = {
    **dict.fromkeys(ROW_KINDS, _row_check),
    "unique": unique,
    "balance": balance,
}
