"""The device registry as the store sees it: two small tables the addon keeps in step.

The MQTT subscriber runs outside Odoo and possibly on another database (the
TimescaleDB DSN), so the addon writes a snapshot of its devices and animals
here (:func:`sync`) and the subscriber reads it (:func:`load`).
"""

import json

from psycopg2 import sql
from smart_dairy import db, timeseries

from .devices import Device, MetricLimit, Registry

SCHEMA = timeseries.SCHEMA
DEVICES = "device_registry"
ANIMALS = "animal_registry"


def ensure(cursor):
    cur = db.raw_cursor(cursor)
    cur.execute(
        sql.SQL(
            """CREATE TABLE IF NOT EXISTS {} (
                   id integer PRIMARY KEY, identifier text NOT NULL UNIQUE, type text NOT NULL,
                   farm_id integer NOT NULL, company_id integer NOT NULL, animal_id integer,
                   zone text, active boolean NOT NULL, metrics jsonb NOT NULL DEFAULT '{{}}')"""
        ).format(sql.Identifier(SCHEMA, DEVICES))
    )
    cur.execute(
        sql.SQL(
            """CREATE TABLE IF NOT EXISTS {} (
                   id integer PRIMARY KEY, identifier text NOT NULL UNIQUE, farm_id integer)"""
        ).format(sql.Identifier(SCHEMA, ANIMALS))
    )


def sync(cursor, devices, animals):
    """Replace the snapshot: ``devices`` (Device) and ``animals`` ((id, identifier, farm_id))."""
    cur = db.raw_cursor(cursor)
    cur.execute(
        sql.SQL("TRUNCATE {}, {}").format(
            sql.Identifier(SCHEMA, DEVICES), sql.Identifier(SCHEMA, ANIMALS)
        )
    )
    db.copy_rows(
        cur,
        DEVICES,
        (
            "id",
            "identifier",
            "type",
            "farm_id",
            "company_id",
            "animal_id",
            "zone",
            "active",
            "metrics",
        ),
        [
            (
                d.id,
                d.identifier,
                d.type,
                d.farm_id,
                d.company_id,
                d.animal_id,
                d.zone,
                d.active,
                json.dumps({m: [lim.unit, lim.low, lim.high] for m, lim in d.metrics.items()}),
            )
            for d in devices
        ],
        schema=SCHEMA,
    )
    db.copy_rows(cur, ANIMALS, ("id", "identifier", "farm_id"), animals, schema=SCHEMA)


def load(cursor):
    """The :class:`Registry` of the snapshot."""
    cur = db.raw_cursor(cursor)
    cur.execute(
        sql.SQL(
            "SELECT id, identifier, type, farm_id, company_id, animal_id, zone, active, metrics "
            "FROM {}"
        ).format(sql.Identifier(SCHEMA, DEVICES))
    )
    devices = [
        Device(
            *row[:8],
            metrics={m: MetricLimit(u, lo, hi) for m, (u, lo, hi) in (row[8] or {}).items()},
        )
        for row in cur.fetchall()
    ]
    cur.execute(
        sql.SQL("SELECT id, identifier, farm_id FROM {}").format(sql.Identifier(SCHEMA, ANIMALS))
    )
    animals = cur.fetchall()
    return Registry.of(
        devices,
        animals={ident: aid for aid, ident, _farm in animals},
        animal_farms={aid: farm for aid, _ident, farm in animals if farm is not None},
    )
