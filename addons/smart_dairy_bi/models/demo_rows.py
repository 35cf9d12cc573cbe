"""Rows of Odoo tables read and written with SQL, for the demo's copies of
ORM-made documents (see ``smart_dairy_bi_demo_payment`` and ``..._invoice``)."""

from psycopg2 import sql
from psycopg2.extras import Json


def select_rows(cr, table, where, params):
    cr.execute(
        sql.SQL("SELECT * FROM {} WHERE {}").format(sql.Identifier(table), sql.SQL(where)), params
    )
    names = [column.name for column in cr.description]
    return [dict(zip(names, values, strict=True)) for values in cr.fetchall()]


def next_names(cr, move, dates):
    """Names of entries on ``dates`` (sorted), continuing each period's sequence of
    ``move``'s journal in its format (INV/2026/00042, BILL/2026/11/0007): the
    columns name, sequence_prefix and sequence_number of each."""
    format_string, values = move._get_sequence_format_param(move.name)
    cr.execute(
        """SELECT sequence_prefix, MAX(sequence_number) FROM account_move
            WHERE journal_id = %s GROUP BY sequence_prefix""",
        [move.journal_id.id],
    )
    last = dict(cr.fetchall())
    names = []
    for day in dates:
        period = dict(
            values,
            year=move._truncate_year_to_length(day.year, values["year_length"]),
            month=day.month,
            suffix="",
        )
        prefix = format_string.format(**dict(period, seq=0))[: -values["seq_length"]]
        number = last[prefix] = last.get(prefix, 0) + 1
        names.append(
            {
                "name": format_string.format(
                    **dict(period, suffix=values.get("suffix", ""), seq=number)
                ),
                "sequence_prefix": prefix,
                "sequence_number": number,
            }
        )
    return names


def reserve_ids(cr, table, count):
    cr.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
        [table, count],
    )
    return [row[0] for row in cr.fetchall()]


def insert_rows(cr, table, rows):
    columns = list(rows[0])
    cr.execute_values(
        sql.SQL("INSERT INTO {} ({}) VALUES %s").format(
            sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
        ),
        [
            [
                Json(value) if isinstance(value, dict | list) else value
                for value in map(row.get, columns)
            ]
            for row in rows
        ],
        page_size=1000,
    )
