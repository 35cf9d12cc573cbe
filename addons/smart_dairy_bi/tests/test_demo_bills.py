from datetime import date

from odoo import Command
from odoo.tests import tagged

from odoo.addons.smart_dairy_bi.models.demo_bill_copy import copy_bills

from .demo_copy import DemoCopyCase

# Columns that hold a record's own identity or the time it was written: compared
# through the links between the rows instead.
IDENTITY = {"id", "create_date", "write_date", "move_id"}


@tagged("post_install", "-at_install")
class TestDemoBills(DemoCopyCase):
    """The demo's vendor bills written with SQL are the rows Odoo writes: a bill
    created and posted through the ORM inside a savepoint, rolled back, and the SQL
    copy made from the same plan agree column by column (bill and its items)."""

    company_name = "Bill Proof Dairy"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        kilogram = cls.env.ref("uom.product_uom_kgm")
        cls.products = cls.env["product.product"].create(
            [
                {
                    "name": name,
                    "default_code": code,
                    "type": "consu",
                    "uom_id": kilogram.id,
                    "standard_price": cost,
                    "description_purchase": description,
                }
                for name, code, cost, description in (
                    ("Dairy Concentrate 18%", "FEED-CON", 0.38, False),
                    ("Mineral Mix", "FEED-MIN", 1.25, "Bagged, 25 kg"),
                )
            ]
        )
        term = cls.env["account.payment.term"].create(
            {
                "name": "45 days",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 100, "nb_days": 45})
                ],
            }
        )
        cls.vendors = cls.env["res.partner"].create(
            [
                {"name": "AgriFeed Supplies", "is_company": True},
                {
                    "name": "Valley Forage Co-operative",
                    "is_company": True,
                    "property_supplier_payment_term_id": term.id,
                },
            ]
        )

    def _plan(self, vendor, ref, day, lines):
        return (
            self.vendors[vendor],
            ref,
            day,
            [(self.products[product], quantity, price) for product, quantity, price in lines],
        )

    def _snapshot(self, bill):
        """Every row of ``bill``, without identities."""
        self.env.flush_all()
        self.env.invalidate_all()
        (move,) = self._rows("account_move", "id = %s", [bill.id])
        lines = sorted(
            self._rows("account_move_line", "move_id = %s", [bill.id]),
            key=lambda row: (row["display_type"], row["sequence"], row["name"] or ""),
        )
        for line in lines:
            self.assertEqual(line["move_id"], bill.id)

        def strip(rows):
            return [{k: v for k, v in row.items() if k not in IDENTITY} for row in rows]

        return {
            "move": strip([move]),
            "lines": strip(lines),
            "taxes": self._rows(
                "account_move_line_account_tax_rel",
                "account_move_line_id = ANY(%s)",
                [[line["id"] for line in lines]],
                "account_move_line_id",
            ),
        }

    def _orm_and_copy(self, template, plan):
        return self._orm_then_copy(
            lambda: self.demo._demo_bill([plan]),
            lambda: copy_bills(self.env, [plan], template),
            self._snapshot,
        )

    def _template(self):
        plan = self._plan(0, "BILL-1-20250303", date(2025, 3, 3), [(0, 100, 0.38)])
        return self.demo._demo_bill([plan])

    def test_bill_copy_equals_the_orm_bill(self):
        template = self._template()
        plan = self._plan(
            0, "BILL-1-20250317", date(2025, 3, 17), [(0, 12998, 0.3812), (1, 990, 1.25)]
        )
        by_orm, by_copy = self._orm_and_copy(template, plan)
        self.assertSameRows(by_orm, by_copy, may_be_empty=("taxes",))
        # The unit price is stored at two decimals (0.38): 12,998 kg at 0.38 =
        # 4,939.24 and 990 kg at 1.25 = 1,237.50.
        self.assertEqual(float(by_copy["move"][0]["amount_total"]), 6176.74)
        self.assertEqual(float(by_copy["move"][0]["amount_residual_signed"]), -6176.74)

    def test_bill_copy_of_another_vendor_takes_its_payment_term(self):
        template = self._template()
        plan = self._plan(1, "BILL-2-20250406", date(2025, 4, 6), [(1, 400, 1.31)])
        by_orm, by_copy = self._orm_and_copy(template, plan)
        self.assertSameRows(by_orm, by_copy, may_be_empty=("taxes",))
        self.assertEqual(by_copy["move"][0]["invoice_date_due"], date(2025, 5, 21))

    def test_demo_bills_number_by_month_and_stay_unpaid(self):
        plans = [
            self._plan(0, "B1", date(2025, 1, 30), [(0, 50, 0.4)]),
            self._plan(1, "B2", date(2025, 1, 31), [(1, 20, 1.25)]),
            self._plan(0, "B3", date(2025, 2, 2), [(0, 60, 0.4), (1, 5, 1.25)]),
        ]
        bills = self.demo._demo_bill(plans)
        self.assertEqual(
            bills.mapped("name"), ["BILL/2025/01/0001", "BILL/2025/01/0002", "BILL/2025/02/0001"]
        )
        self.assertEqual(bills.mapped("ref"), ["B1", "B2", "B3"])
        self.assertEqual(bills.mapped("amount_total"), [20.0, 25.0, 30.25])
        for bill in bills:
            self.assertEqual(bill.state, "posted")
            self.assertEqual(bill.payment_state, "not_paid")
            self.assertEqual(bill.amount_residual, bill.amount_total)
            self.assertEqual(sum(bill.line_ids.mapped("balance")), 0.0)
