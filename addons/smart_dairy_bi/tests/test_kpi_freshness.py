import datetime

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import SQL

from .common import KpiCase

T0 = datetime.datetime(2020, 1, 1, 10, 0)
T1 = datetime.datetime(2020, 1, 1, 11, 0)
T2 = datetime.datetime(2020, 1, 1, 12, 0)


@tagged("post_install", "-at_install")
class TestKpiFreshness(KpiCase):
    """A KPI is stale when a record behind its facts changed after its values were
    written, counted in the companies selected only; managers only."""

    def _stamp(self, records, when):
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE %s SET write_date = %s WHERE id = ANY(%s)",
                SQL.identifier(records._table),
                when,
                records.ids,
            )
        )

    def _values(self, kpis, company, when):
        self.env.cr.execute("DELETE FROM smart_dairy_kpi_value WHERE company_id = %s", [company.id])
        self.env.cr.executemany(
            """INSERT INTO smart_dairy_kpi_value
                   (kpi_id, company_id, grain, period_start, numerator, value, write_date)
               VALUES (%s, %s, 'day', %s, 1, 1, %s)""",
            [(kpi.id, company.id, self.today, when) for kpi in kpis],
        )

    def _freshness(self, codes, companies):
        kpis = self.Kpi.with_user(self.analyst).with_context(allowed_company_ids=companies.ids)
        kpis = kpis.search([("code", "in", codes)])
        self.env.invalidate_all()
        return {k.code: (k.values_updated_at, k.source_changed_at, k.stale) for k in kpis}

    def test_stale_when_a_record_changed_after_the_values(self):
        production = self.Kpi.search([("code", "=", "PRODUCTION")])
        revenue = self.Kpi.search([("code", "=", "REVENUE")])
        self.analyst.company_ids |= self.company_b
        self._stamp(self.milkings_a | self.milkings_b, T0)
        self._stamp(self.order_a.order_line, T0)
        self._values(production | revenue, self.company_a, T1)
        self.assertEqual(
            self._freshness(["PRODUCTION", "REVENUE"], self.company_a),
            {"PRODUCTION": (T1, T0, False), "REVENUE": (T1, T0, False)},
        )
        self._stamp(self.milkings_a[0], T2)
        self.assertEqual(
            self._freshness(["PRODUCTION", "REVENUE"], self.company_a),
            {"PRODUCTION": (T1, T2, True), "REVENUE": (T1, T0, False)},
        )
        # A change in company B counts only where B is selected.
        self._stamp(self.milkings_a[0], T0)
        self._stamp(self.milkings_b[0], T2)
        self.assertFalse(self._freshness(["PRODUCTION"], self.company_a)["PRODUCTION"][2])
        self.assertEqual(
            self._freshness(["PRODUCTION"], self.company_a | self.company_b)["PRODUCTION"],
            (T1, T2, True),
        )

    def test_kpi_without_values_is_stale_when_its_facts_have_rows(self):
        self._values(self.Kpi, self.company_a, T1)
        self._stamp(self.milkings_a, T0)
        self.assertEqual(
            self._freshness(["PRODUCTION"], self.company_a), {"PRODUCTION": (False, T0, True)}
        )

    def test_only_analytics_managers_read_freshness(self):
        kpi = self.Kpi.with_user(self.user).search([("code", "=", "PRODUCTION")])
        for name in ("values_updated_at", "source_changed_at", "stale"):
            with self.assertRaises(AccessError):
                kpi.read([name])
