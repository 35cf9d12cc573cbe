import datetime

from odoo import Command, fields
from odoo.tests import tagged

from .common import KpiCase


@tagged("post_install", "-at_install")
class TestSnapshotFacts(KpiCase):
    """Herd and receivables: facts dated today, their KPIs and dashboard widgets."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Animal = cls.env["smart.dairy.animal"]
        cls.cows_a[0].status = "dry"
        cls.farm_a2 = cls._farm(cls.company_a, "FA2", 300.0)
        Animal.create(
            [
                {"ear_tag": "FA2-1", "farm_id": cls.farm_a2.id, "status": "heifer"},
                {"ear_tag": "FA2-2", "farm_id": cls.farm_a2.id, "status": "lactating"},
                {"ear_tag": "FA2-3", "farm_id": cls.farm_a2.id, "status": "sold"},
                {"ear_tag": "FA2-4", "farm_id": cls.farm_a2.id, "active": False},
            ]
        )
        chart = cls.env.company.chart_template or "generic_coa"
        cls.env["account.chart.template"].try_loading(chart, cls.company_a, install_demo=False)
        cls.overdue = cls._invoice(cls.today - datetime.timedelta(days=45), 150.0)
        cls.not_due = cls._invoice(cls.today, 40.0)
        kpis = cls.Kpi.search([("code", "in", ("HERD_SIZE", "RECEIVABLES_DUE"))])
        cls.env["smart.dairy.kpi.run"]._run(kpis, "manual", commit=False)

    @classmethod
    def _invoice(cls, invoice_date, price):
        invoice = (
            cls.env["account.move"]
            .with_company(cls.company_a)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": cls.customer.id,
                    "invoice_date": invoice_date,
                    "invoice_date_due": invoice_date,
                    "invoice_payment_term_id": False,
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Milk", "quantity": 1, "price_unit": price, "tax_ids": []}
                        )
                    ],
                }
            )
        )
        invoice.action_post()
        return invoice

    def test_herd_counts_by_farm_and_status(self):
        Animal = self.env["smart.dairy.animal"]
        Herd = self.env["smart.dairy.fact.herd"]
        farms = self.farm_a | self.farm_a2
        for farm in farms:
            for status in ("lactating", "dry", "heifer", "sold"):
                domain = [("farm_id", "=", farm.id), ("status", "=", status)]
                expected = Animal.search_count(domain)
                self.assertEqual(Herd.search_count([*domain, ("date", "=", self.today)]), expected)
        by_status = self.stored_by("HERD_SIZE", "status")
        for status in ("lactating", "dry", "heifer", "sold"):
            expected = Animal.search_count(
                [("company_id", "=", self.company_a.id), ("status", "=", status)]
            )
            self.assertEqual(by_status.get(status, 0.0), expected, status)
        self.assertEqual(by_status, {"lactating": 3.0, "dry": 1.0, "heifer": 1.0, "sold": 1.0})
        by_farm = self.stored_by("HERD_SIZE", "farm_id")
        self.assertEqual(by_farm, {str(self.farm_a.id): 3.0, str(self.farm_a2.id): 3.0})

    def test_receivables_ageing_buckets(self):
        Receivable = self.env["smart.dairy.fact.receivable"]
        row = Receivable.search([("move_id", "=", self.overdue.id)])
        self.assertEqual(row.ageing, "31_60")
        self.assertEqual(row.partner_id, self.customer.commercial_partner_id)
        self.assertAlmostEqual(row.amount_due, self.overdue.amount_residual)
        self.assertEqual(Receivable.search([("move_id", "=", self.not_due.id)]).ageing, "not_due")
        by_ageing = self.stored_by("RECEIVABLES_DUE", "ageing")
        self.assertAlmostEqual(by_ageing["31_60"], self.overdue.amount_residual)
        self.assertAlmostEqual(by_ageing["not_due"], self.not_due.amount_residual)
        self.assertNotIn("1_30", by_ageing)
        # Paid in full, the invoice leaves the snapshot.
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=self.overdue.ids
        ).create({})._create_payments()
        self.env.flush_all()
        self.assertFalse(Receivable.search([("move_id", "=", self.overdue.id)]))

    def test_dashboards_show_the_snapshot_widgets(self):
        Dashboard = self.env["smart.dairy.dashboard"].with_user(self.user)
        farm = Dashboard.get_dashboard_data(self.env.ref("smart_dairy_bi.dashboard_farm").id)
        # the range ends today, when the call is made (a class set up just before
        # midnight runs this just after it)
        self.assertEqual(farm["filters"]["date_to"], str(fields.Date.context_today(Dashboard)))
        herd = next(w for w in farm["widgets"] if w["title"] == "Herd by Status")
        self.assertFalse(herd["empty"])
        self.assertEqual(herd["type"], "doughnut")
        values = dict(zip(herd["data"]["keys"], herd["data"]["datasets"][0]["values"], strict=True))
        self.assertEqual(values, {"lactating": 3.0, "dry": 1.0, "heifer": 1.0, "sold": 1.0})
        self.assertIn("Lactating", herd["data"]["labels"])
        finance = Dashboard.get_dashboard_data(self.env.ref("smart_dairy_bi.dashboard_finance").id)
        ageing = next(w for w in finance["widgets"] if w["title"] == "Receivables Ageing")
        self.assertFalse(ageing["empty"])
        data = ageing["data"]
        values = dict(zip(data["keys"], data["datasets"][0]["values"], strict=True))
        self.assertAlmostEqual(values["31_60"], self.overdue.amount_residual)
        self.assertIn("31-60 days", data["labels"])

    def stored_by(self, code, breakdown):
        """Today's stored values of company A by dimension value."""
        values = self.env["smart.dairy.kpi.value"].search(
            [
                ("kpi_id.code", "=", code),
                ("company_id", "=", self.company_a.id),
                ("grain", "=", "day"),
                ("period_start", "=", self.today),
                ("breakdown", "=", breakdown),
            ]
        )
        return {value.dimension_value: value.value for value in values}
