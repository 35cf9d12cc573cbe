"""Where the sensor store lives: in Odoo's database, or in the database that
``smart_dairy_timescale_dsn`` of odoo.conf names (the IoT addon writes there)."""

from contextlib import contextmanager

from psycopg2.extensions import make_dsn
from smart_dairy import db

from odoo.sql_db import connection_info_for
from odoo.tools import config


def separate_store_dsn():
    """``smart_dairy_timescale_dsn`` of odoo.conf, or None when the store is Odoo's database."""
    return config.get("smart_dairy_timescale_dsn") or None


def store_dsn(dbname):
    """The DSN of the sensor store of database ``dbname``."""
    dsn = separate_store_dsn()
    if dsn:
        return dsn
    _name, params = connection_info_for(dbname)
    return make_dsn(**{k: v for k, v in params.items() if v not in (None, "")})


@contextmanager
def store_cursor(cr):
    """A psycopg2 cursor on the sensor store: ``cr``'s own when the store is in Odoo's
    database, else a read-only connection of its own, closed on exit."""
    dsn = separate_store_dsn()
    if not dsn:
        yield db.raw_cursor(cr)
        return
    conn = db.connect(dsn, application_name="smart_dairy_quality")
    try:
        conn.set_session(readonly=True)
        with conn.cursor() as cursor:
            yield cursor
    finally:
        conn.close()
