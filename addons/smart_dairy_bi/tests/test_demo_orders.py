from datetime import datetime

from odoo.tests import tagged

from odoo.addons.smart_dairy_bi.models.demo_order_copy import OrderCopy, copy_orders

from .demo_copy import DemoCopyCase

# Columns that hold a record's own identity, the time it was written or a number
# drawn from a sequence (not rolled back with the savepoint): compared through the
# links between the rows instead.
IDENTITY = {
    "id",
    "create_date",
    "write_date",
    "order_id",
    "move_id",
    "picking_id",
    "sale_id",
    "sale_line_id",
    "res_id",
    "message_id",
    "date",
    "in_date",
}


@tagged("post_install", "-at_install")
class TestDemoOrders(DemoCopyCase):
    """The demo's sale orders written with SQL are the rows Odoo writes: an order
    created, confirmed and delivered through the ORM inside a savepoint, rolled
    back, and the SQL copy made for the same plan agree column by column (order,
    lines, taxes, stock reference, delivery, moves, move lines, quants and the
    delivery's note)."""

    company_name = "Order Proof Dairy"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.company
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", company.id)])
        cls.products = cls.env["product.product"].create(
            [
                {
                    "name": name,
                    "default_code": code,
                    "type": "consu",
                    "is_storable": True,
                    "invoice_policy": "delivery",
                    "list_price": price,
                    "standard_price": cost,
                }
                for name, code, price, cost in (
                    ("Whole Milk 1 L", "MLK-1", 1.29, 0.71),
                    ("Mature Cheddar 200 g", "CHD-200", 3.49, 1.93),
                    ("Salted Butter 250 g", "BUT-250", 2.59, 1.37),
                )
            ]
        )
        cls.env["stock.quant"].with_context(inventory_mode=True).create(
            [
                {
                    "product_id": product.id,
                    "location_id": cls.warehouse.lot_stock_id.id,
                    "inventory_quantity": 1000,
                }
                for product in cls.products
            ]
        ).action_apply_inventory()
        cls.customers = cls.env["res.partner"].create(
            [{"name": name, "is_company": True} for name in ("Hilltop Deli", "Corner Grocer")]
        )
        cls.team = cls.env["crm.team"].create({"name": "Retail", "company_id": company.id})

    def _plan(self, customer, ordered, delivered, lines):
        return OrderCopy(
            partner=customer,
            team=self.team,
            client_order_ref=f"PO-{ordered:%m%d}",
            ordered=ordered,
            delivered=delivered,
            lines=tuple((self.products[index], qty, discount) for index, qty, discount in lines),
        )

    def _snapshot(self, order):
        """Every row the order and its delivery wrote, without identities; order and
        delivery names replaced by placeholders, links checked on the way."""
        self.env.flush_all()
        self.env.invalidate_all()
        (sale,) = self._rows("sale_order", "id = %s", [order.id])
        lines = self._rows("sale_order_line", "order_id = %s", [order.id])
        (picking,) = self._rows("stock_picking", "sale_id = %s", [order.id])
        moves = self._rows("stock_move", "picking_id = %s", [picking["id"]])
        move_lines = self._rows("stock_move_line", "picking_id = %s", [picking["id"]])
        line_at = {line["id"]: index for index, line in enumerate(lines)}
        move_at = {move["id"]: index for index, move in enumerate(moves)}
        self.assertEqual([line_at[move["sale_line_id"]] for move in moves], list(range(len(lines))))
        self.assertEqual([move_at[row["move_id"]] for row in move_lines], list(range(len(moves))))
        (reference_link,) = self._rows(
            "stock_reference_sale_rel", "sale_id = %s", [order.id], "reference_id"
        )
        (reference,) = self._rows("stock_reference", "id = %s", [reference_link["reference_id"]])
        move_links = self._rows(
            "stock_reference_move_rel", "move_id = ANY(%s)", [list(move_at)], "move_id"
        )
        self.assertEqual({row["reference_id"] for row in move_links}, {reference["id"]})
        routes = self._rows("stock_route_move", "move_id = ANY(%s)", [list(move_at)], "move_id")
        taxes = self._rows(
            "account_tax_sale_order_line_rel",
            "sale_order_line_id = ANY(%s)",
            [list(line_at)],
            "sale_order_line_id",
        )
        quants = self._rows(
            "stock_quant", "product_id = ANY(%s)", [self.products.ids], "product_id"
        )
        messages = self._rows(
            "mail_message", "model = 'stock.picking' AND res_id = %s", [picking["id"]]
        )
        names = {sale["name"]: "<order>", picking["name"]: "<delivery>"}

        def strip(rows, *also):
            return [
                {
                    key: names.get(value, value) if isinstance(value, str) else value
                    for key, value in row.items()
                    if key not in IDENTITY | set(also) and key != "reference_id"
                }
                for row in rows
            ]

        for message in messages:
            message["body"] = message["body"].replace(f"{sale['id']}", "<id>")
            message["body"] = message["body"].replace(sale["name"], "<order>")
        return {
            "order": strip([sale], "name"),
            "lines": strip(lines),
            "taxes": sorted(
                (line_at[row["sale_order_line_id"]], row["account_tax_id"]) for row in taxes
            ),
            "reference": strip([reference], "name"),
            "picking": strip([picking], "name"),
            "moves": strip(moves),
            "routes": sorted((move_at[row["move_id"]], row["route_id"]) for row in routes),
            "move_lines": strip(move_lines),
            "quants": sorted((tuple(sorted(row.items())) for row in strip(quants)), key=repr),
            "messages": strip(messages),
        }

    def _template(self):
        (template,) = self.demo._demo_deliver_orders(
            [
                self._plan(
                    self.customers[0],
                    datetime(2025, 3, 3, 9),
                    datetime(2025, 3, 4, 10),
                    [(0, 40, 0.0)],
                )
            ]
        )
        return template

    def test_order_copy_equals_the_orm_order(self):
        template = self._template()
        plan = self._plan(
            self.customers[1],
            datetime(2025, 4, 7, 11, 15),
            datetime(2025, 4, 8, 10),
            [(1, 15, 0.0), (2, 32, 5.0), (0, 7, 2.5)],
        )
        by_orm, by_copy = self._orm_then_copy(
            lambda: self.demo._demo_deliver_orders([plan]),
            lambda: copy_orders(self.env, [plan], template),
            self._snapshot,
        )
        self.assertSameRows(by_orm, by_copy, may_be_empty={"routes"})

    def test_copies_deliver_their_stock_and_wait_for_invoicing(self):
        template = self._template()
        plans = [
            self._plan(
                self.customers[1], datetime(2025, 3, 5, 9), datetime(2025, 3, 6, 10), [(1, 10, 0.0)]
            ),
            self._plan(
                self.customers[0],
                datetime(2025, 3, 9, 9),
                datetime(2025, 3, 10, 10),
                [(1, 5, 0.0), (0, 60, 10.0)],
            ),
        ]
        copies = copy_orders(self.env, plans, template)
        self.assertEqual(len(copies), 2)
        self.assertEqual(len(set((template | copies).mapped("name"))), 3)
        for order, plan in zip(copies, plans, strict=True):
            self.assertEqual(order.state, "sale")
            self.assertEqual(order.partner_id, plan.partner)
            self.assertEqual(order.date_order, plan.ordered)
            self.assertEqual(order.picking_ids.state, "done")
            self.assertEqual(order.picking_ids.date_done, plan.delivered)
            self.assertEqual(order.invoice_status, "to invoice")
            self.assertEqual(order.delivery_status, "full")
            for line, (product, quantity, discount) in zip(
                order.order_line, plan.lines, strict=True
            ):
                self.assertEqual(
                    (line.product_id, line.qty_delivered, line.discount),
                    (product, quantity, discount),
                )
                self.assertEqual(line.qty_to_invoice, quantity)
        available = {
            product: product.with_context(warehouse_id=self.warehouse.id).qty_available
            for product in self.products
        }
        self.assertEqual(available[self.products[0]], 1000 - 40 - 60)
        self.assertEqual(available[self.products[1]], 1000 - 10 - 5)
        self.assertEqual(available[self.products[2]], 1000)
        invoices = self.demo._demo_invoice(
            [(copies[1], datetime(2025, 3, 31).date(), datetime(2025, 4, 30).date())]
        )
        self.assertEqual(invoices.amount_untaxed, copies[1].amount_untaxed)
        self.assertEqual(copies[1].invoice_status, "invoiced")
