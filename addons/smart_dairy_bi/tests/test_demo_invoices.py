from datetime import date

from odoo import Command
from odoo.tests import tagged

from odoo.addons.smart_dairy_bi.models.demo_invoice_copy import copy_invoices

from .demo_copy import DemoCopyCase

# Columns that hold a record's own identity or the time it was written: compared
# through the links between the rows instead.
IDENTITY = {"id", "create_date", "write_date", "move_id", "message_id", "res_id"}


@tagged("post_install", "-at_install")
class TestDemoInvoices(DemoCopyCase):
    """The demo's invoices written with SQL are the rows Odoo writes: orders
    invoiced and posted through the ORM inside a savepoint, rolled back, and the
    SQL copy made for the same orders agree column by column (invoice, its items,
    their taxes and order lines, the "created from" note, and the order lines'
    invoiced quantities and statuses)."""

    company_name = "Invoice Proof Dairy"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.company
        tax = cls.env["account.tax"].create(
            {"name": "Dairy 15%", "amount": 15, "type_tax_use": "sale", "company_id": company.id}
        )
        cls.products = cls.env["product.product"].create(
            [
                {
                    "name": name,
                    "default_code": code,
                    "type": "service",
                    "invoice_policy": "order",
                    "list_price": price,
                    "taxes_id": [Command.set(tax.ids)],
                }
                for name, code, price in (
                    ("Whole Milk 1 L", "MLK-1", 1.29),
                    ("Mature Cheddar 200 g", "CHD-200", 3.49),
                    ("Salted Butter 250 g", "BUT-250", 2.59),
                )
            ]
        )
        cls.customers = cls.env["res.partner"].create(
            [{"name": name, "is_company": True} for name in ("Hilltop Deli", "Corner Grocer")]
        )

    def _orders(self, customer, baskets):
        """Confirmed orders of ``customer``, one per basket of (product, qty, discount)."""
        orders = self.env["sale.order"].create(
            [
                {
                    "partner_id": customer.id,
                    "client_order_ref": f"PO-{customer.id}-{index}",
                    "order_line": [
                        Command.create(
                            {
                                "product_id": self.products[product].id,
                                "product_uom_qty": quantity,
                                "discount": discount,
                            }
                        )
                        for product, quantity, discount in basket
                    ],
                }
                for index, basket in enumerate(baskets)
            ]
        )
        orders.action_confirm()
        return orders

    def _snapshot(self, orders):
        """Every row the invoicing of ``orders`` wrote or changed, without identities."""
        self.env.flush_all()
        self.env.invalidate_all()
        (invoice,) = orders.invoice_ids
        (move,) = self._rows("account_move", "id = %s", [invoice.id])
        lines = sorted(
            self._rows("account_move_line", "move_id = %s", [invoice.id]),
            key=lambda row: (row["display_type"], row["sequence"], row["name"]),
        )
        position = {line["id"]: index for index, line in enumerate(lines)}
        taxes = self._rows(
            "account_move_line_account_tax_rel",
            "account_move_line_id = ANY(%s)",
            [list(position)],
            "account_move_line_id",
        )
        sale_links = self._rows(
            "sale_order_line_invoice_rel",
            "invoice_line_id = ANY(%s)",
            [list(position)],
            "invoice_line_id",
        )
        messages = self._rows(
            "mail_message", "model = 'account.move' AND res_id = %s", [invoice.id]
        )
        for line in lines:
            self.assertEqual(line["move_id"], invoice.id)

        def strip(rows, *also):
            return [{k: v for k, v in row.items() if k not in IDENTITY | set(also)} for row in rows]

        return {
            "move": strip([move]),
            "lines": strip(lines),
            "taxes": sorted(
                (position[row["account_move_line_id"]], row["account_tax_id"]) for row in taxes
            ),
            "sale_links": sorted(
                (position[row["invoice_line_id"]], row["order_line_id"]) for row in sale_links
            ),
            "messages": strip(messages, "date"),
            "order_lines": strip(
                self._rows("sale_order_line", "order_id = ANY(%s)", [orders.ids]), "order_id"
            ),
            "orders": strip(self._rows("sale_order", "id = ANY(%s)", [orders.ids])),
        }

    def _orm_and_copy(self, template, orders, day, due):
        def by_copy():
            self.assertFalse(orders.invoice_ids)
            copy_invoices(self.env, [(orders, day, due)], template)
            return orders

        return self._orm_then_copy(
            lambda: self.demo._demo_invoice([(orders, day, due)]) and orders,
            by_copy,
            self._snapshot,
        )

    def _template(self):
        orders = self._orders(self.customers[0], [[(0, 10, 0.0)]])
        (template,) = self.demo._demo_invoice([(orders, date(2025, 3, 31), date(2025, 4, 30))])
        return template

    def test_one_order_invoice_copy_equals_the_orm_invoice(self):
        template = self._template()
        orders = self._orders(self.customers[1], [[(1, 15, 0.0), (2, 32, 5.0), (0, 7, 2.5)]])
        by_orm, by_copy = self._orm_and_copy(template, orders, date(2025, 4, 30), date(2025, 5, 30))
        self.assertSameRows(by_orm, by_copy)
        self.assertEqual(
            by_copy["move"][0]["amount_untaxed"],
            round(15 * 3.49 + 32 * 2.59 * 0.95 + 7 * 1.29 * 0.975, 2),
        )

    def _grouped(self, baskets, day, due):
        template = self._template()
        orders = self._orders(self.customers[1], baskets)
        by_orm, by_copy = self._orm_and_copy(template, orders, day, due)
        # Odoo joins the orders' references in set order: compare them as sets.
        for snapshot in (by_orm, by_copy):
            for row in snapshot["move"] + snapshot["lines"]:
                for column in ("ref", "invoice_origin", "name"):
                    if column in row and row[column] and ", " in row[column]:
                        row[column] = sorted(row[column].replace(" - ", ", ").split(", "))
        self.assertSameRows(by_orm, by_copy)
        return by_orm, by_copy

    def test_grouped_orders_invoice_copy_equals_the_orm_invoice(self):
        _by_orm, by_copy = self._grouped(
            [[(1, 4, 0.0), (2, 9, 10.0)], [(0, 120, 0.0)]], date(2025, 5, 31), date(2025, 6, 30)
        )
        self.assertEqual(len(by_copy["sale_links"]), 3)

    def test_invoice_copy_rounds_over_the_whole_invoice_as_odoo_does(self):
        # 74 x 2.59 less 2 % = 187.8268 (twice), 130 x 1.29 less 2 % = 164.346: each
        # line rounds up (540.01 in all), the invoice's untaxed total rounds to 540.00,
        # and Odoo takes the cent off one item's balance.
        by_orm, _by_copy = self._grouped(
            [[(2, 74, 2.0)], [(2, 74, 2.0), (0, 130, 2.0)]], date(2025, 6, 30), date(2025, 7, 30)
        )
        products = [row for row in by_orm["lines"] if row["display_type"] == "product"]
        self.assertAlmostEqual(sum(float(row["price_subtotal"]) for row in products), 540.01)
        self.assertAlmostEqual(-sum(float(row["balance"]) for row in products), 540.00)
        self.assertEqual(float(by_orm["move"][0]["amount_untaxed"]), 540.00)

    def test_demo_invoice_numbers_in_date_order_and_marks_orders_invoiced(self):
        groups = [
            (
                self._orders(self.customers[0], [[(0, 5, 0.0)]]),
                date(2024, 12, 31),
                date(2025, 1, 30),
            ),
            (
                self._orders(self.customers[1], [[(1, 6, 0.0)]]),
                date(2024, 12, 31),
                date(2025, 1, 30),
            ),
            (
                self._orders(self.customers[0], [[(2, 7, 0.0)], [(0, 8, 0.0)]]),
                date(2025, 1, 31),
                date(2025, 3, 2),
            ),
        ]
        invoices = self.demo._demo_invoice(groups)
        self.assertEqual(
            invoices.mapped("name"), ["INV/2024/00001", "INV/2024/00002", "INV/2025/00001"]
        )
        for invoice, (orders, day, due) in zip(invoices, groups, strict=True):
            self.assertEqual(invoice.state, "posted")
            self.assertEqual((invoice.invoice_date, invoice.invoice_date_due), (day, due))
            self.assertEqual(invoice.line_ids.sale_line_ids.order_id, orders)
            self.assertEqual(set(orders.mapped("invoice_status")), {"invoiced"})
            self.assertEqual(
                invoice.amount_untaxed, sum(orders.mapped("amount_untaxed")), invoice.name
            )
            self.assertEqual(invoice.amount_total, sum(orders.mapped("amount_total")), invoice.name)
            self.assertEqual(invoice.amount_residual, invoice.amount_total)
            for line in orders.order_line:
                self.assertEqual(line.qty_invoiced, line.product_uom_qty)
                self.assertEqual(line.qty_to_invoice, 0)
