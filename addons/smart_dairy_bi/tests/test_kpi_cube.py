import datetime

from smart_dairy import kpi as engine

from odoo import Command
from odoo.tests import tagged

from .common import KpiCase

CODES = ["REVENUE", "NET_REVENUE", "GROSS_MARGIN", "ORDERS", "AOV", "OTIF", "ACTIVE_CUSTOMERS"]


@tagged("post_install", "-at_install")
class TestKpiCube(KpiCase):
    """Several dashboard filters at once read the daily cube, with the figures the
    facts give, in every company and after every kind of run."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Region = cls.env["smart.dairy.region"]
        cls.north, cls.south = Region.create(
            [{"name": "N", "code": "CUBE-N"}, {"name": "S", "code": "CUBE-S"}]
        )
        cls.cheese, cls.butter = cls.env["product.category"].create([{"name": "C"}, {"name": "B"}])
        Product = cls.env["product.product"]
        cls.brie = Product.create({"name": "Brie", "categ_id": cls.cheese.id, "type": "consu"})
        cls.ghee = Product.create({"name": "Ghee", "categ_id": cls.butter.id, "type": "consu"})
        Partner = cls.env["res.partner"]
        cls.up = Partner.create({"name": "Up", "is_company": True, "dairy_region_id": cls.north.id})
        cls.down = Partner.create(
            {"name": "Down", "is_company": True, "dairy_region_id": cls.south.id}
        )
        cls.nowhere = Partner.create({"name": "Nowhere", "is_company": True})
        Team = cls.env["crm.team"]
        cls.shop_a, cls.shop_b = Team.create(
            [
                {"name": "Shop A", "company_id": cls.company_a.id},
                {"name": "Shop B", "company_id": cls.company_b.id},
            ]
        )
        cls.web = Team.create({"name": "Web"})
        a, b = cls.company_a, cls.company_b
        for company, days_ago, partner, team, lines in (
            (a, 0, cls.up, cls.shop_a, [(cls.brie, 3, 5.0), (cls.ghee, 2, 7.0)]),
            (a, 1, cls.up, cls.web, [(cls.brie, 1, 5.5)]),
            (a, 2, cls.down, cls.shop_a, [(cls.brie, 4, 5.0)]),
            (a, 9, cls.up, cls.shop_a, [(cls.brie, 6, 4.5)]),  # the week before
            (a, 3, cls.nowhere, cls.web, [(cls.ghee, 5, 6.0)]),  # no region
            (b, 0, cls.up, cls.shop_b, [(cls.brie, 10, 3.0)]),
            (b, 4, cls.down, cls.web, [(cls.ghee, 1, 9.0), (cls.brie, 2, 5.0)]),
        ):
            cls._sell(company, days_ago, partner, team, lines)

    @classmethod
    def _sell(cls, company, days_ago, partner, team, lines):
        order = (
            cls.env["sale.order"]
            .with_company(company)
            .create(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "team_id": team.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "product_uom_qty": qty,
                                "price_unit": price,
                                "tax_ids": [Command.clear()],
                            }
                        )
                        for product, qty, price in lines
                    ],
                }
            )
        )
        order.action_confirm()
        noon = datetime.datetime.combine(cls.today, datetime.time(12))
        order.date_order = noon - datetime.timedelta(days=days_ago)
        return order

    def _filters(self):
        """Filter combinations: found, empty, and across companies' own teams."""
        return [
            {"region_id": [str(self.north.id)], "categ_id": [str(self.cheese.id)]},
            {"region_id": [str(self.south.id)], "categ_id": [str(self.butter.id)]},
            {"region_id": [str(self.north.id)], "team_id": [str(self.shop_a.id)]},
            {"categ_id": [str(self.butter.id)], "team_id": [str(self.web.id)]},
            {
                "region_id": [str(self.north.id), str(self.south.id)],
                "categ_id": [str(self.cheese.id)],
                "team_id": [str(self.shop_a.id), str(self.shop_b.id)],
            },
            {"region_id": [str(self.south.id)], "team_id": [str(self.shop_b.id)]},  # none
        ]

    def _assert_cube_is_live(self):
        """Every combination and company set: the cube's answer is the facts' one."""
        week = (self.today - datetime.timedelta(days=6), self.today)
        queries = [
            engine.Query(CODES, "day", *week),
            engine.Query(CODES, "month", self.today - datetime.timedelta(days=60), self.today),
        ]
        checked = 0
        for companies in (self.company_a | self.company_b, self.company_a, self.company_b):
            reader = self.env["smart.dairy.kpi.value"]._reader(companies)
            for query in queries:
                for filters in self._filters():
                    cube = reader.fetch_filtered(query, filters)
                    live = engine.fetch_filtered(
                        self.env.cr, reader.catalogue, query, filters, reader.zones,
                        reader.distinct,
                    )  # fmt: skip
                    for code in CODES:
                        got, expected = cube[code], live[code]
                        for mine, theirs in zip(
                            [got.current, *got.points], [expected.current, *expected.points],
                            strict=True,
                        ):  # fmt: skip
                            for name in ("value", "previous", "last_year"):
                                a, b = getattr(mine, name), getattr(theirs, name)
                                if b is None:
                                    self.assertIsNone(a, (code, filters, name))
                                else:
                                    self.assertAlmostEqual(a, b, 9, (code, filters, name))
                                    checked += 1
        self.assertGreater(checked, 50)

    def _card(self, companies, code, filters):
        reader = self.env["smart.dairy.kpi.value"]._reader(companies)
        week = (self.today - datetime.timedelta(days=6), self.today)
        query = engine.Query([code], "day", *week)
        return reader.fetch_filtered(query, filters)[code].current

    def _cube_rows(self, code, company):
        self.env.cr.execute(
            "SELECT count(*) FROM smart_dairy_kpi_cube c JOIN smart_dairy_kpi k ON k.id = c.kpi_id"
            " WHERE k.code = %s AND c.company_id = %s",
            [code, company.id],
        )
        return self.env.cr.fetchone()[0]

    def test_a_full_run_fills_the_cube_per_company(self):
        self.materialise(CODES)
        self._assert_cube_is_live()
        both = self.company_a | self.company_b
        filters = self._filters()[0]
        # By hand: north cheese, 3 x 5.00 + 1 x 5.50 in A and 10 x 3.00 in B this week.
        self.assertEqual(self._card(both, "REVENUE", filters).value, 50.5)
        self.assertEqual(self._card(self.company_a, "REVENUE", filters).value, 20.5)
        self.assertEqual(self._card(self.company_a, "REVENUE", filters).previous, 27.0)
        self.assertEqual(self._card(self.company_b, "ORDERS", self._filters()[5]).value, None)
        for company in (self.company_a, self.company_b):
            self.assertTrue(self._cube_rows("REVENUE", company))
        # A distinct count keeps its members: the north customer buys in both companies
        # and on two days, and counts once over the week.
        self.assertTrue(self._cube_rows("ACTIVE_CUSTOMERS", self.company_b))
        self.assertEqual(self._card(both, "ACTIVE_CUSTOMERS", filters).value, 1.0)

    def test_incremental_runs_and_backfills_keep_the_cube(self):
        self.materialise(CODES, "incremental")
        self._assert_cube_is_live()
        self._sell(self.company_b, 1, self.up, self.shop_b, [(self.brie, 2, 4.0)])
        self.materialise(CODES, "incremental")
        self._assert_cube_is_live()
        filters = self._filters()[0]
        self.assertEqual(self._card(self.company_b, "REVENUE", filters).value, 38.0)  # 30 + 8
        # Broken down by the region alone, gross margin leaves the cube on its backfill.
        margin = self.Kpi.search([("code", "=", "GROSS_MARGIN")])
        self.assertTrue(self._cube_rows("GROSS_MARGIN", self.company_a))
        margin.dimension_ids = self.env["smart.dairy.kpi.dimension"].search(
            [("field_name", "=", "region_id")]
        )
        self.env["smart.dairy.kpi.run"]._cron_backfill(commit=False)
        self.assertEqual(self._cube_rows("GROSS_MARGIN", self.company_a), 0)
        self._assert_cube_is_live()

    def test_rebuild_fills_the_cube_of_values_materialised_before_it(self):
        self.materialise(CODES)
        self.env.cr.execute("DELETE FROM smart_dairy_kpi_cube")
        self.env["smart.dairy.kpi.run"]._rebuild_cube()
        self._assert_cube_is_live()
        self.assertTrue(self._cube_rows("NET_REVENUE", self.company_b))
