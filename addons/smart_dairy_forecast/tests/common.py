import datetime as dt

from odoo import Command
from odoo.tests import new_test_user

GROUP = "smart_dairy_base.group_smart_dairy_"
AS_OF = dt.date(2025, 6, 30)
START = dt.date(2024, 1, 1)


class CompanyUserMixin:
    @classmethod
    def _user(cls, login, groups, company=None):
        """A user of ``company`` only (the class's company by default)."""
        company = company or cls.company
        return new_test_user(
            cls.env,
            login,
            groups=groups,
            email=f"{login}@example.com",
            company_ids=[Command.set(company.ids)],
            company_id=company.id,
        )


class CustomerHistoryMixin(CompanyUserMixin):
    """A company of its own with 24 customers ordering at regular cadences since
    January 2024; every third one stops ordering at a date spread over the history,
    so churn has both classes at every cutoff. Two salespeople: the first is set on
    the even customers, the second only on the orders."""

    @classmethod
    def _customer_history(cls):
        env = cls.env
        cls.company = env["res.company"].create({"name": "Churn Dairy"})
        cls.seller = cls._user("churn_seller", "base.group_user,sales_team.group_sale_salesman")
        cls.order_seller = cls._user(
            "churn_order_seller", "base.group_user,sales_team.group_sale_salesman"
        )
        cls.product = env["product.product"].create(
            {"name": "Churn Dairy Milk", "list_price": 10.0, "taxes_id": [Command.clear()]}
        )
        cls.customers = env["res.partner"].create(
            [
                {
                    "name": f"Churn Customer {i:02d}",
                    "user_id": cls.seller.id if i % 2 == 0 else False,
                }
                for i in range(24)
            ]
        )
        cls.stopped = {}
        orders = []
        for i, customer in enumerate(cls.customers):
            cadence = 21 + 7 * (i % 4)
            stop = START + dt.timedelta(days=160 + 16 * i) if i % 3 == 0 else None
            if stop:
                cls.stopped[customer] = stop
            day = START + dt.timedelta(days=i % 10)
            while day <= AS_OF and (stop is None or day < stop):
                orders.append((customer, day, 5 + i % 7))
                day += dt.timedelta(days=cadence)
        created = (
            env["sale.order"]
            .with_company(cls.company)
            .create(
                [
                    {
                        "partner_id": customer.id,
                        "company_id": cls.company.id,
                        "user_id": cls.order_seller.id,
                        "date_order": dt.datetime.combine(day, dt.time(10)),
                        "order_line": [
                            Command.create(
                                {
                                    "product_id": cls.product.id,
                                    "product_uom_qty": quantity,
                                    "price_unit": 10.0,
                                    "tax_ids": [Command.clear()],
                                }
                            )
                        ],
                    }
                    for customer, day, quantity in orders
                ]
            )
        )
        # Confirmed as sales, without the deliveries confirmation would create.
        created.write({"state": "sale"})
        cls.orders = orders

    def scores(self, company=None, **domain):
        Score = self.env["smart.dairy.customer.score"]
        terms = [("company_id", "=", (company or self.company).id)]
        terms += [(name, "=", value) for name, value in domain.items()]
        return Score.search(terms)


def confirm_sales(env, company, product, quantities):
    """Confirmed orders of ``product`` in ``company``, one a day of ``quantities``
    ([(day, quantity)]), without the deliveries confirmation would create."""
    customer = env["res.partner"].create({"name": f"{company.name} Shop"})
    orders = (
        env["sale.order"]
        .with_company(company)
        .create(
            [
                {
                    "partner_id": customer.id,
                    "company_id": company.id,
                    "date_order": dt.datetime.combine(day, dt.time(10)),
                    "order_line": [
                        Command.create({"product_id": product.id, "product_uom_qty": quantity})
                    ],
                }
                for day, quantity in quantities
            ]
        )
    )
    orders.write({"state": "sale"})
    return orders
