import datetime
from contextlib import contextmanager

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, new_test_user


class KpiCase(TransactionCase):
    """Two new companies (so demo data stays out of the figures), each with a farm,
    cows and milkings, a confirmed sale order in the first, and users at each level
    of the Smart Dairy privilege."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env["res.company"].create({"name": "Dairy A"})
        cls.company_b = cls.env["res.company"].create({"name": "Dairy B"})
        cls.today = datetime.date.today()
        cls.month = cls.today.replace(day=1)
        cls.farm_a = cls._farm(cls.company_a, "FA", 1000.0)
        cls.farm_b = cls._farm(cls.company_b, "FB", 500.0)
        cls.cows_a = cls._cows(cls.farm_a, 3)
        cls.cows_b = cls._cows(cls.farm_b, 2)
        cls.milkings_a = cls._milk(cls.cows_a, volume=20.0, scc=150_000)
        cls.milkings_b = cls._milk(cls.cows_b, volume=11.0, scc=500_000)
        cls.customer = cls.env["res.partner"].create({"name": "Corner Shop", "is_company": True})
        cls.product = cls.env["product.product"].create(
            {"name": "Test Milk 1L", "list_price": 2.0, "standard_price": 1.25, "type": "consu"}
        )
        cls.order_a = cls._order(cls.company_a, quantity=10, price=2.0)
        cls.user = new_test_user(
            cls.env, "sd_user", groups="base.group_user,smart_dairy_base.group_smart_dairy_user",
            company_ids=[Command.set(cls.company_a.ids)], company_id=cls.company_a.id,
        )  # fmt: skip
        cls.user_b = new_test_user(
            cls.env, "sd_user_b", groups="base.group_user,smart_dairy_base.group_smart_dairy_user",
            company_ids=[Command.set(cls.company_b.ids)], company_id=cls.company_b.id,
        )  # fmt: skip
        cls.analyst = new_test_user(
            cls.env, "sd_analyst",
            groups="base.group_user,smart_dairy_base.group_smart_dairy_analytics_manager",
            company_ids=[Command.set(cls.company_a.ids)], company_id=cls.company_a.id,
        )  # fmt: skip
        cls.outsider = new_test_user(cls.env, "sd_outsider", groups="base.group_user")
        cls.Kpi = cls.env["smart.dairy.kpi"]

    @classmethod
    def _farm(cls, company, code, capacity):
        return cls.env["smart.dairy.farm"].create(
            {
                "name": f"Farm {code}",
                "code": code,
                "company_id": company.id,
                "daily_capacity": capacity,
            }
        )

    @classmethod
    def _cows(cls, farm, count):
        return cls.env["smart.dairy.animal"].create(
            [
                {"ear_tag": f"{farm.code}-{n}", "farm_id": farm.id, "status": "lactating"}
                for n in range(count)
            ]
        )

    @classmethod
    def _milk(cls, cows, volume, scc, day=None):
        day = day or cls.today
        return cls.env["smart.dairy.milking"].create(
            [
                {
                    "animal_id": cow.id,
                    "date": day,
                    "session": session,
                    "volume": volume,
                    "fat_pct": 4.0,
                    "protein_pct": 3.4,
                    "scc": scc,
                }
                for cow in cows
                for session in ("morning", "evening")
            ]
        )

    @classmethod
    def _order(cls, company, quantity, price, partner=None):
        order = (
            cls.env["sale.order"]
            .with_company(company)
            .create(
                {
                    "partner_id": (partner or cls.customer).id,
                    "company_id": company.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": cls.product.id,
                                "product_uom_qty": quantity,
                                "price_unit": price,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )
        order.action_confirm()
        return order

    @contextmanager
    def assertRefused(self, pattern, exception=ValidationError):
        """The block raises ``exception`` with a message matching ``pattern``
        (rolled back, unlike unittest's assertRaisesRegex)."""
        with self.assertRaises(exception) as caught:
            yield
        self.assertRegex(str(caught.exception), pattern)

    def materialise(self, codes, mode="manual"):
        kpis = self.Kpi.search([("code", "in", codes)])
        return self.env["smart.dairy.kpi.run"]._run(kpis, mode, commit=False)

    def stored(self, code, company, grain="day", breakdown=""):
        values = self.env["smart.dairy.kpi.value"].search(
            [("kpi_id.code", "=", code), ("company_id", "=", company.id), ("grain", "=", grain)]
        )
        return {
            value.period_start: value.value
            for value in values
            if (value.breakdown or "") == breakdown
        }
