from datetime import date

from odoo import Command
from odoo.tests import tagged

from odoo.addons.smart_dairy_bi.models.demo_payment_copy import copy_payments

from .demo_copy import DemoCopyCase

# Columns that hold a record's own identity or the time it was written: compared
# through the links between the rows instead.
IDENTITY = {
    "id",
    "create_date",
    "write_date",
    "move_id",
    "payment_id",
    "origin_payment_id",
    "full_reconcile_id",
    "matching_number",
    "debit_move_id",
    "credit_move_id",
    "message_id",
}


@tagged("post_install", "-at_install")
class TestDemoPayments(DemoCopyCase):
    """The demo's payments written with SQL are the rows Odoo writes: a payment
    made through the ORM inside a savepoint, rolled back, and the SQL copy made
    for the same document agree column by column, in every table a payment
    touches."""

    company_name = "Payment Proof Dairy"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls.env["product.product"].create(
            {"name": "Cheese wheel", "type": "service", "invoice_policy": "order", "list_price": 1}
        )
        Partner = cls.env["res.partner"]
        cls.customers = Partner.create(
            [{"name": name, "is_company": True} for name in ("Hilltop Deli", "Corner Grocer")]
        )
        cls.vendor = Partner.create({"name": "Feed Mill", "is_company": True})

    def _invoice(self, customer, amounts, day):
        """A posted customer invoice for one sale order per amount."""
        orders = self.env["sale.order"].create(
            [
                {
                    "partner_id": customer.id,
                    "order_line": [
                        Command.create(
                            {"product_id": self.product.id, "price_unit": amount, "tax_ids": []}
                        )
                    ],
                }
                for amount in amounts
            ]
        )
        orders.action_confirm()
        invoice = orders._create_invoices()
        invoice.invoice_date = day
        invoice.action_post()
        return invoice

    def _bill(self, amount, day):
        bill = self.env["account.move"].create(
            {
                "move_type": "in_invoice",
                "partner_id": self.vendor.id,
                "invoice_date": day,
                "invoice_line_ids": [
                    Command.create({"name": "Silage", "price_unit": amount, "tax_ids": []})
                ],
            }
        )
        bill.action_post()
        return bill

    def _snapshot(self, document):
        """Every row the payment of ``document`` wrote or changed, without identities;
        the links between them checked on the way."""
        self.env.flush_all()
        (rel,) = self._rows(
            "account_move__account_payment", "invoice_id = %s", [document.id], "payment_id"
        )
        (payment,) = self._rows("account_payment", "id = %s", [rel["payment_id"]])
        (move,) = self._rows("account_move", "id = %s", [payment["move_id"]])
        self.assertEqual(move["origin_payment_id"], payment["id"])
        lines = self._rows("account_move_line", "move_id = %s", [move["id"]])
        document_lines = self._rows("account_move_line", "move_id = %s", [document.id])
        (partial,) = self._rows(
            "account_partial_reconcile",
            "debit_move_id = ANY(%s) OR credit_move_id = ANY(%s)",
            [[line["id"] for line in lines]] * 2,
        )
        settled = [
            line
            for line in lines + document_lines
            if line["id"] in (partial["debit_move_id"], partial["credit_move_id"])
        ]
        self.assertEqual(len(settled), 2)
        for line in settled:
            self.assertEqual(line["full_reconcile_id"], partial["full_reconcile_id"])
            self.assertEqual(line["matching_number"], str(partial["full_reconcile_id"]))
        for line in lines:
            self.assertEqual(line["payment_id"], payment["id"])
        (full,) = self._rows("account_full_reconcile", "id = %s", [partial["full_reconcile_id"]])
        orders = document.line_ids.sale_line_ids.order_id
        messages = self._rows(
            "mail_message",
            "model = 'sale.order' AND res_id = ANY(%s) AND body::text LIKE %s",
            [orders.ids, f"%{document.name} %"],
        )
        (document_row,) = self._rows("account_move", "id = %s", [document.id])

        def strip(rows):
            return [{k: v for k, v in row.items() if k not in IDENTITY} for row in rows]

        return {
            "payment": strip([payment]),
            "move": strip([move]),
            "lines": sorted(strip(lines), key=lambda row: row["balance"]),
            "partial": strip([partial]),
            "full": strip([full]),
            "document": strip([document_row]),
            "document_lines": strip(document_lines),
            "messages": [
                {k: v for k, v in row.items() if k != "date"}
                for row in sorted(strip(messages), key=lambda row: row["res_id"])
            ],
        }

    def _orm_and_copy(self, template, document, day):
        """Snapshots of ``document`` paid on ``day`` by the ORM, then by the copy."""

        def by_copy():
            self.assertEqual(document.payment_state, "not_paid")
            copy_payments(self.env, [(document, day)], {document.move_type: template})
            return document

        return self._orm_then_copy(
            lambda: self.demo._demo_pay_orm([(document, day)]) and document,
            by_copy,
            self._snapshot,
        )

    def test_customer_payment_copy_equals_the_orm_payment(self):
        first = self._invoice(self.customers[0], [120.0], date(2025, 3, 3))
        (template,) = self.demo._demo_pay_orm([(first, date(2025, 3, 20))])
        document = self._invoice(self.customers[1], [310.55, 89.2], date(2025, 3, 10))
        by_orm, by_copy = self._orm_and_copy(template, document, date(2025, 4, 9))
        self.assertSameRows(by_orm, by_copy, may_be_empty={"messages"})
        paid = [
            row
            for row in by_copy["messages"]
            if row["body"] == f"<p>Invoice {document.name} paid</p>"
        ]
        self.assertEqual(len(paid), 2, "one 'paid' note on each sale order")
        self.assertEqual(document.payment_state, "paid")

    def test_vendor_payment_copy_equals_the_orm_payment(self):
        (template,) = self.demo._demo_pay_orm(
            [(self._bill(75.0, date(2025, 1, 5)), date(2025, 1, 20))]
        )
        document = self._bill(1249.99, date(2025, 2, 2))
        by_orm, by_copy = self._orm_and_copy(template, document, date(2025, 2, 27))
        self.assertSameRows(by_orm, by_copy, may_be_empty={"messages"})
        self.assertEqual(document.payment_state, "paid")

    def test_demo_pay_numbers_each_year_and_settles_every_document(self):
        documents = [
            (self._invoice(self.customers[0], [50.0], date(2024, 12, 1)), date(2024, 12, 30)),
            (self._invoice(self.customers[1], [70.0], date(2024, 12, 2)), date(2025, 1, 3)),
            (self._bill(40.0, date(2024, 12, 5)), date(2024, 12, 28)),
            (self._invoice(self.customers[0], [90.0], date(2025, 1, 2)), date(2025, 1, 31)),
            (self._bill(60.0, date(2025, 1, 10)), None),
        ]
        payments = self.demo._demo_pay(documents)
        self.assertEqual(len(payments), 4, "the document without a payment date stays open")
        self.assertEqual(
            sorted(payments.mapped("name")),
            sorted(
                [f"PBNK1/2024/{n:05d}" for n in (1, 2)] + [f"PBNK1/2025/{n:05d}" for n in (1, 2)]
            ),
        )
        by_date = payments.sorted(lambda payment: (payment.date, payment.id))
        self.assertEqual(
            by_date.mapped("name"),
            ["PBNK1/2024/00001", "PBNK1/2024/00002", "PBNK1/2025/00001", "PBNK1/2025/00002"],
            "numbered in date order within each year",
        )
        for document, day in documents[:4]:
            payment = payments.filtered(lambda p, document=document: p.memo == document.name)
            self.assertEqual(payment.date, day)
            self.assertEqual(payment.amount, document.amount_total)
            self.assertEqual(payment.partner_id, document.commercial_partner_id)
            self.assertEqual(document.payment_state, "paid")
            self.assertEqual(document.amount_residual, 0.0)
            self.assertEqual(payment.reconciled_invoice_ids | payment.reconciled_bill_ids, document)
            self.assertTrue(payment.is_reconciled)
        self.assertEqual(documents[4][0].payment_state, "not_paid")
        receivable = self.env["account.move.line"].search(
            [
                ("partner_id", "in", self.customers.ids),
                ("account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
            ]
        )
        self.assertEqual(sum(receivable.mapped("balance")), 0.0)
        self.assertEqual(sum(receivable.mapped("amount_residual")), 0.0)
