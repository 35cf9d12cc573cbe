import datetime
from unittest.mock import patch

import psycopg2
from psycopg2 import sql
from psycopg2.extensions import make_dsn
from smart_dairy import db, timeseries

from odoo.exceptions import ValidationError
from odoo.sql_db import connection_info_for
from odoo.tests import get_db_name, tagged
from odoo.tools import config

from .common import KpiCase

HOUR = datetime.timedelta(hours=1)
UTC = datetime.timezone.utc


def dsn_of(dbname):
    _name, params = connection_info_for(dbname)
    return make_dsn(**{k: v for k, v in params.items() if v not in (None, "")})


@tagged("post_install", "-at_install")
class TestQualitySensorStore(KpiCase):
    """A sensor store in a database of its own (``smart_dairy_timescale_dsn``): the
    sensor checks read it there, per company; a store that is down makes them error
    in plain words while the other checks run, and a check can still be saved."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.store_name = f"{get_db_name()}_sensor_store"
        admin = db.connect(dsn_of("postgres"), autocommit=True)
        cls.addClassCleanup(admin.close)
        with admin.cursor() as cur:
            cur.execute(
                sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(cls.store_name))
            )
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(cls.store_name)))
        cls.addClassCleanup(
            admin.cursor().execute,
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(cls.store_name)
            ),
        )
        cls.now = datetime.datetime(2026, 3, 5, 12, 0)
        store = db.connect(dsn_of(cls.store_name))
        try:
            timeseries.ensure_readings_schema(store, plain=True)
            rows = [  # company A: devices 1 (fresh) and 2 (5 h silent); B: device 3 (fresh)
                (cls.now - HOUR, 1, cls.company_a.id),
                (cls.now - 5 * HOUR, 2, cls.company_a.id),
                (cls.now - HOUR, 3, cls.company_b.id),
            ]
            with store.cursor() as cur:
                timeseries.ensure_partitions(cur, timeseries.TABLE, [cls.now.date()])
                cur.executemany(
                    f"INSERT INTO {timeseries.SCHEMA}.{timeseries.TABLE}"
                    " (time, device_id, metric, value, company_id) VALUES (%s, %s, 'temp', 4, %s)",
                    [(when.replace(tzinfo=UTC), device, company) for when, device, company in rows],
                )
            store.commit()
        finally:
            store.close()
        cls.store_dsn = dsn_of(cls.store_name)
        cls.check = cls.env["smart.dairy.quality.check"].create(
            {"name": "Sensors report", "kind": "freshness", "source": "sensor",
             "column_names": "time", "group_column": "device_id", "max_age_hours": 2,
             "area": "sensors"}
        )  # fmt: skip

    def use_store(self, dsn):
        patcher = patch.dict(config.options, {"smart_dairy_timescale_dsn": dsn})
        patcher.start()
        self.addCleanup(patcher.stop)

    def test_sensor_checks_read_the_configured_store(self):
        self.use_store(self.store_dsn)
        results = self.check._run_checks(self.now)
        by_company = {r.company_id: r for r in results}
        result_a, result_b = by_company[self.company_a], by_company[self.company_b]
        self.assertEqual((result_a.state, result_a.examined, result_a.failing), ("failed", 2, 1))
        self.assertAlmostEqual(result_a.measure, 5.0, places=3)
        self.assertEqual(result_a.sample_ids, "2", "the silent device")
        self.assertEqual((result_b.state, result_b.examined), ("passed", 1))
        self.assertNotIn(False, results.company_id.mapped(bool), "never skipped")

    def test_a_store_that_is_down_errors_and_the_other_checks_run(self):
        self.use_store(make_dsn(self.store_dsn, dbname=f"{self.store_name}_missing"))
        milking = self.env["ir.model"]._get("smart.dairy.milking")
        other = self.env["smart.dairy.quality.check"].create(
            {"name": "Volumes", "kind": "not_null", "model_id": milking.id,
             "column_names": "volume", "area": "farm"}
        )  # fmt: skip
        with self.assertLogs(
            "odoo.addons.smart_dairy_bi.models.smart_dairy_quality_run", "WARNING"
        ):
            results = (self.check | other)._run_checks(self.now)
        errored = results.filtered(lambda r: r.check_id == self.check)
        self.assertEqual(errored.state, "errored")
        self.assertIn("does not exist", errored.detail)
        self.assertTrue(results.filtered(lambda r: r.check_id == other and r.state == "passed"))
        # Saving a sensor check while its store is down checks the names against the schema.
        self.check.write({"max_age_hours": 3})
        with self.assertRaisesRegex(ValidationError, "no column moment"):
            self.check.write({"column_names": "moment"})

    def test_the_store_connection_only_reads(self):
        self.use_store(self.store_dsn)
        with (
            self.check._source_cursor() as cursor,
            self.assertRaises(psycopg2.errors.ReadOnlySqlTransaction),
        ):
            cursor.execute(f"DELETE FROM {timeseries.SCHEMA}.{timeseries.TABLE}")
