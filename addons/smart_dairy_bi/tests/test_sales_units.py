from odoo import Command
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestSalesUnits(TransactionCase):
    """A line sold in another unit than the product's counts the product's units, and
    its cost is theirs: worked out by hand."""

    def test_a_line_in_dozens_counts_units_and_their_cost(self):
        company = self.env["res.company"].create({"name": "Dozen Dairy"})
        dozens = self.env.ref("uom.product_uom_dozen")
        dozens.active = True
        product = self.env["product.product"].create(
            {"name": "Dozen Eggs Test", "uom_id": self.env.ref("uom.product_uom_unit").id}
        )
        product.with_company(company).standard_price = 2.0  # per unit
        customer = self.env["res.partner"].create({"name": "Dozen Shop"})
        order = (
            self.env["sale.order"]
            .with_company(company)
            .create(
                {
                    "partner_id": customer.id,
                    "company_id": company.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "product_uom_qty": 3.0,
                                "product_uom_id": dozens.id,
                                "price_unit": 30.0,  # per dozen
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )
        order.write({"state": "sale"})
        self.env.flush_all()
        fact = self.env["smart.dairy.fact.sales"].search([("order_id", "=", order.id)])
        # 3 dozens = 36 units at 2.00 = 72.00 of cost; sold for 3 x 30.00 = 90.00
        self.assertEqual(
            (fact.quantity, fact.net_amount, fact.cost_amount, fact.margin),
            (36.0, 90.0, 72.0, 18.0),
        )
