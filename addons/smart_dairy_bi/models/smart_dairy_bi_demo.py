import logging
import time
from collections import defaultdict
from datetime import datetime, timedelta
from datetime import time as day_time

from smart_dairy import db
from smart_dairy.demo import generate_erp_demo, load_settings

from odoo import Command, api, fields, models

from odoo.addons.smart_dairy_base.models.smart_dairy_demo import DEMO_DATE_PARAM

from .demo_bill_copy import copy_bills
from .demo_invoice_copy import copy_invoices
from .demo_order_copy import OrderCopy, copy_orders
from .demo_payment_copy import copy_payments

_logger = logging.getLogger(__name__)

# Context that keeps mail.thread from logging and tracking bulk demo documents.
QUIET = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_notrack": True,
    "mail_auto_subscribe_no_notify": True,
    "skip_sms": True,
}


class SmartDairyBiDemo(models.AbstractModel):
    _name = "smart.dairy.bi.demo"
    _description = "Smart Dairy ERP demo data generator"

    @api.model
    @api.private
    def generate_erp_demo(self, seed=None):
        """Create two years of dairy sales, deliveries, invoices, payments, bills and
        stock in the demo company, with its accounting and warehouse.

        Rows come from the seeded engine generator, for the history the farm demo
        ended on. Documents go through the ORM in batches (create, confirm,
        validate, invoice, post, pay) and are then back-dated with SQL to the
        dates of the generated history. Does nothing when the demo catalogue
        already exists.
        """
        settings = load_settings()
        company = self.env.ref("smart_dairy_base.demo_company")
        self = self.with_company(company).with_context(**QUIET)
        today = self.env["ir.config_parameter"].sudo().get_param(DEMO_DATE_PARAM)
        today = fields.Date.to_date(today) or fields.Date.context_today(self)
        demo = generate_erp_demo(today, seed, settings)
        if self.env["product.product"].search_count(
            [("default_code", "=", demo.products[0].code), ("company_id", "=", company.id)]
        ):
            _logger.info("Smart Dairy ERP demo data already present: nothing generated")
            return False
        timings = {}
        started = step = time.perf_counter()
        self._demo_company_setup(company)
        timings["accounting and warehouse"] = time.perf_counter() - step
        step = time.perf_counter()
        products = self._demo_catalogue(demo)
        teams, customers, vendors = self._demo_partners(demo, settings)
        self._demo_initial_stock(demo, products)
        timings["catalogue, partners, stock"] = time.perf_counter() - step
        step = time.perf_counter()
        orders = self._demo_orders(demo, products, customers, teams)
        timings["sales and deliveries"] = time.perf_counter() - step
        step = time.perf_counter()
        invoices = self._demo_invoices(demo, orders)
        timings["invoices"] = time.perf_counter() - step
        step = time.perf_counter()
        bills = self._demo_bills(demo, vendors)
        timings["vendor bills"] = time.perf_counter() - step
        step = time.perf_counter()
        self._demo_pay(invoices + bills)
        timings["payments"] = time.perf_counter() - step
        self.env.invalidate_all()
        _logger.info(
            "Generated Smart Dairy ERP demo: %d products, %d customers, %d sale orders, "
            "%d vendor bills (%s to %s) in %.1f s (%s)",
            len(products),
            len(customers),
            len(demo.orders),
            len(demo.bills),
            demo.start,
            demo.end,
            time.perf_counter() - started,
            ", ".join(f"{name} {seconds:.1f} s" for name, seconds in timings.items()),
        )
        return True

    @api.model
    @api.private
    def generate_kpi_demo(self):
        """Targets for the demo company, the data quality checks run, then every KPI
        materialised and the alert rules evaluated, so that the first dashboard shows
        values and alerts.

        Production targets are each farm's daily mean over the weeks before the
        demo's production shortfall (the company's target is their sum). Does
        nothing when the demo company has targets already.
        """
        started = time.perf_counter()
        company = self.env.ref("smart_dairy_base.demo_company")
        settings = load_settings()
        today = self.env["ir.config_parameter"].sudo().get_param(DEMO_DATE_PARAM)
        Target = self.env["smart.dairy.kpi.target"]
        if not today or Target.search_count([("company_id", "=", company.id)]):
            return False
        shortfall = settings["incidents"]["shortfall"]
        end = fields.Date.to_date(today) - timedelta(days=shortfall["days"] - 1)
        days = shortfall["target_days"]
        farms = self.env["smart.dairy.farm"].search([("company_id", "=", company.id)])
        litres = dict(
            self.env["smart.dairy.milking"]._read_group(
                [
                    ("farm_id", "in", farms.ids),
                    ("date", ">=", end - timedelta(days=days)),
                    ("date", "<", end),
                ],
                ["farm_id"],
                ["volume:sum"],
            )
        )
        daily = {farm: round(litres.get(farm, 0.0) / days, -1) for farm in farms}
        production = self.env.ref("smart_dairy_bi.kpi_production")
        dimension = self.env.ref("smart_dairy_bi.dimension_farm")
        Target.create(
            [
                {
                    "kpi_id": production.id,
                    "company_id": company.id,
                    "grain": "day",
                    "dimension_id": dimension.id,
                    "dimension_value": str(farm.id),
                    "target": target,
                }
                for farm, target in daily.items()
            ]
            + [
                {
                    "kpi_id": production.id,
                    "company_id": company.id,
                    "grain": grain,
                    "target": round(sum(daily.values()) * factor, -2),
                }
                for grain, factor in (("day", 1), ("month", 30))
            ]
            + [
                {
                    "kpi_id": self.env.ref(f"smart_dairy_bi.{xmlid}").id,
                    "company_id": company.id,
                    "grain": "month",
                    "target": target,
                }
                for xmlid, target in settings["erp"]["monthly_targets"].items()
            ]
        )
        # The data quality checks run once now, so that the Data Quality dashboard and
        # the KPIs' warnings show from the start (sensor checks: with the IoT demo).
        self.env["smart.dairy.quality.check"]._cron_run_checks(commit=False)
        kpis = self.env["smart.dairy.kpi"].search([])
        with db.foreign_keys_checked_after(self.env.cr, "smart_dairy_kpi_value"):
            run = self.env["smart.dairy.kpi.run"]._run(kpis, "incremental", commit=False)
        alerts = self.env["smart.dairy.alert"].search_count(
            [("company_id", "=", company.id), ("state", "=", "open")]
        )
        _logger.info(
            "Generated Smart Dairy KPI demo: %d targets, %d KPI values, %d open alerts in %.1f s",
            len(daily) + 2 + len(settings["erp"]["monthly_targets"]),
            run.row_count,
            alerts,
            time.perf_counter() - started,
        )
        return True

    def _demo_company_setup(self, company):
        """The demo company's chart of accounts (the main company's) and warehouse,
        when the modules were installed after the company was created. Its address
        is invented: no online enrichment is attempted (partner_autocomplete)."""
        if "iap_enrich_auto_done" in company._fields:
            company.iap_enrich_auto_done = True
        if not company.chart_template:
            template = self.env.ref("base.main_company").chart_template
            # _load, not try_loading: the registry is still loading, but every model
            # the chart needs (account, sale, stock) is already there.
            self.env["account.chart.template"]._load(template, company, install_demo=False)
        if not self.env["stock.warehouse"].search_count([("company_id", "=", company.id)]):
            self.env["stock.warehouse"].create(
                {"name": company.name, "code": "GVD", "company_id": company.id}
            )

    def _demo_category(self, name, parent=None):
        Category = self.env["product.category"]
        domain = [("name", "=", name), ("parent_id", "=", parent.id if parent else False)]
        return Category.search(domain, limit=1) or Category.create(
            {"name": name, "parent_id": parent.id if parent else False}
        )

    def _demo_catalogue(self, demo):
        """Dairy products and farm supplies, by code (feed products come from the farm demo)."""
        parent = self._demo_category(demo.parent_category)
        categories = {name: self._demo_category(name, parent) for name in demo.categories}
        uoms = {
            "unit": self.env.ref("uom.product_uom_unit"),
            "litre": self.env.ref("uom.product_uom_litre"),
        }
        Product = self.env["product.product"]
        products = Product.create(
            [
                {
                    "name": row.name,
                    "default_code": row.code,
                    "company_id": self.env.company.id,
                    "type": "consu",
                    "is_storable": True,
                    "categ_id": categories[row.category].id,
                    "uom_id": uoms[row.uom].id,
                    "list_price": row.list_price,
                    "standard_price": row.standard_cost,
                    "invoice_policy": "delivery",
                    "sale_ok": True,
                    "purchase_ok": False,
                }
                for row in demo.products
            ]
        )
        supply_category = self._demo_category(demo.supply_category)
        supplies = Product.create(
            [
                {
                    "name": row.name,
                    "default_code": row.code,
                    "company_id": self.env.company.id,
                    "type": "consu",
                    "categ_id": supply_category.id,
                    "standard_price": row.cost,
                    "sale_ok": False,
                    "purchase_ok": True,
                }
                for row in demo.supplies
            ]
        )
        return {p.default_code: p for p in products + supplies}

    def _demo_partners(self, demo, settings):
        """Sales teams, customers (tagged with their channel) and vendors."""
        company = self.env.company
        admin = self.env.ref("base.user_admin", raise_if_not_found=False) or self.env.user
        term = self.env.ref("account.account_payment_term_30days")
        regions = {code: self.env.ref(spec["xmlid"]) for code, spec in settings["regions"].items()}
        Team = self.env["crm.team"]
        Tag = self.env["res.partner.category"]
        teams, tags = {}, {}
        for channel, name in demo.teams.items():
            teams[channel] = Team.search(
                [("name", "=", name), ("company_id", "in", [company.id, False])], limit=1
            ) or Team.create({"name": name, "company_id": company.id, "user_id": admin.id})
            tags[channel] = Tag.search([("name", "=", name)], limit=1) or Tag.create({"name": name})

        def slug(name):
            return "".join(ch for ch in name.lower() if ch.isalnum())

        Partner = self.env["res.partner"]
        customers = Partner.create(
            [
                {
                    "name": row.name,
                    "is_company": True,
                    "ref": row.ref,
                    "company_id": company.id,
                    "dairy_region_id": regions[row.region].id,
                    "city": row.city,
                    "country_id": company.country_id.id,
                    "email": f"orders@{slug(row.name)}.example.com",
                    "category_id": [Command.link(tags[row.channel].id)],
                    "user_id": admin.id,
                    "customer_rank": 1,
                    "property_payment_term_id": term.id,
                }
                for row in demo.customers
            ]
        )
        vendors = Partner.create(
            [
                {
                    "name": row.name,
                    "is_company": True,
                    "company_id": company.id,
                    "dairy_region_id": regions[row.region].id,
                    "city": row.city,
                    "country_id": company.country_id.id,
                    "email": f"billing@{slug(row.name)}.example.com",
                    "supplier_rank": 1,
                    "property_supplier_payment_term_id": term.id,
                }
                for row in demo.vendors
            ]
        )
        return (
            teams,
            dict(zip((row.ref for row in demo.customers), customers, strict=True)),
            dict(zip((row.name for row in demo.vendors), vendors, strict=True)),
        )

    def _demo_initial_stock(self, demo, products):
        """Inventory at the start of the year: the year's sales plus the stock left today."""
        warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", self.env.company.id)], limit=1
        )
        quants = (
            self.env["stock.quant"]
            .with_context(inventory_mode=True)
            .create(
                [
                    {
                        "product_id": products[row.product_code].id,
                        "location_id": warehouse.lot_stock_id.id,
                        "inventory_quantity": row.initial_qty,
                    }
                    for row in demo.stock
                ]
            )
        )
        opening = datetime.combine(demo.start - timedelta(days=1), day_time(6, 0))
        quants.with_context(force_period_date=opening.date()).action_apply_inventory(opening)

    def _demo_orders(self, demo, products, customers, teams):
        """Confirmed, delivered orders: the first goes through the ORM (create,
        confirm, deliver, back-date), the others are copies of its rows
        (``copy_orders``)."""
        now = fields.Datetime.now()
        plans = [
            OrderCopy(
                partner=customers[row.customer_ref],
                team=teams[row.channel],
                client_order_ref=row.ref,
                ordered=min(row.date_order, now - timedelta(minutes=5)),
                delivered=min(
                    max(
                        datetime.combine(row.delivery_date, day_time(10, 0)),
                        min(row.date_order, now - timedelta(minutes=5)),
                    ),
                    now - timedelta(minutes=1),
                ),
                lines=tuple(
                    (products[line.product_code], line.quantity, line.discount)
                    for line in row.lines
                ),
            )
            for row in demo.orders
        ]
        template = self._demo_deliver_orders(plans[:1])
        return template | copy_orders(self.env, plans[1:], template)

    def _demo_invoices(self, demo, orders):
        """One invoice per customer and month, posted in date order.

        :return: list of (invoice, payment date or None)
        """
        by_invoice = defaultdict(list)
        for order, row in zip(orders, demo.orders, strict=True):
            by_invoice[row.invoice_ref].append(order.id)
        rows = sorted(
            (row for row in demo.invoices if row.ref in by_invoice),
            key=lambda row: (row.invoice_date, by_invoice[row.ref][0]),
        )
        # The groups share one prefetch set, so planning reads every order at once.
        prefetch = orders.ids
        invoices = self._demo_invoice(
            [
                (
                    orders.browse(by_invoice[row.ref]).with_prefetch(prefetch),
                    row.invoice_date,
                    row.due_date,
                )
                for row in rows
            ]
        )
        return [(invoice, row.payment_date) for invoice, row in zip(invoices, rows, strict=True)]

    @api.model
    @api.private
    def _demo_deliver_orders(self, plans):
        """Create, confirm and deliver orders (:class:`OrderCopy`) through the ORM,
        then back-date them."""
        orders = self.env["sale.order"].create(
            [
                {
                    "partner_id": plan.partner.id,
                    "team_id": plan.team.id,
                    "client_order_ref": plan.client_order_ref,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "product_uom_qty": quantity,
                                "discount": discount,
                            }
                        )
                        for product, quantity, discount in plan.lines
                    ],
                }
                for plan in plans
            ]
        )
        orders.action_confirm()
        pickings = orders.picking_ids
        pickings.with_context(
            skip_backorder=True, picking_ids_not_to_backorder=pickings.ids
        ).button_validate()
        self._demo_backdate_orders(
            [
                (order.id, plan.ordered, plan.delivered)
                for order, plan in zip(orders, plans, strict=True)
            ]
        )
        return orders

    def _demo_backdate_orders(self, dates):
        """Move orders and their deliveries to their generated dates."""
        self.env.flush_all()
        cr = self.env.cr
        queries = [
            """UPDATE sale_order so
                  SET date_order = v.ordered, commitment_date = v.delivered,
                      effective_date = v.delivered
                 FROM (VALUES %s) AS v(order_id, ordered, delivered)
                WHERE so.id = v.order_id""",
            # scheduled on its deadline: no deadline issue, as Odoo computes it (the
            # flag stored before, against the scheduled date of the moment, is stale)
            """UPDATE stock_picking p
                  SET scheduled_date = v.delivered, date_deadline = v.delivered,
                      date_done = v.delivered, create_date = v.ordered,
                      has_deadline_issue = FALSE
                 FROM (VALUES %s) AS v(order_id, ordered, delivered)
                WHERE p.sale_id = v.order_id""",
            """UPDATE stock_move m
                  SET date = v.delivered, date_deadline = v.delivered
                 FROM stock_picking p, (VALUES %s) AS v(order_id, ordered, delivered)
                WHERE m.picking_id = p.id AND p.sale_id = v.order_id""",
            """UPDATE stock_move_line ml
                  SET date = v.delivered
                 FROM stock_picking p, (VALUES %s) AS v(order_id, ordered, delivered)
                WHERE ml.picking_id = p.id AND p.sale_id = v.order_id""",
        ]
        for query in queries:
            cr.execute_values(
                query,
                dates,
                page_size=len(dates),
            )
        self.env.invalidate_all()

    def _demo_backdate_invoices(self, invoice_dates):
        """Move draft invoices to their generated dates, before they are posted."""
        self.env.flush_all()
        cr = self.env.cr
        cr.execute_values(
            """UPDATE account_move am
                  SET invoice_date = v.invoiced, date = v.invoiced, invoice_date_due = v.due
                 FROM (VALUES %s) AS v(move_id, invoiced, due)
                WHERE am.id = v.move_id AND am.state = 'draft'""",
            invoice_dates,
            page_size=len(invoice_dates),
        )
        cr.execute(
            """UPDATE account_move_line aml
                  SET date = am.date, invoice_date = am.invoice_date,
                      date_maturity = CASE WHEN aml.display_type = 'payment_term'
                                           THEN am.invoice_date_due ELSE aml.date_maturity END
                 FROM account_move am
                WHERE aml.move_id = am.id AND am.id = ANY(%s)""",
            [[move_id for move_id, _invoiced, _due in invoice_dates]],
        )
        self.env.invalidate_all()

    def _demo_bills(self, demo, vendors):
        """Posted vendor bills for feed and supplies, with their payment dates."""
        Product = self.env["product.product"].with_context(active_test=False)
        codes = {line.product_code for row in demo.bills for line in row.lines}
        domain = [("default_code", "in", list(codes)), ("company_id", "=", self.env.company.id)]
        products = {p.default_code: p for p in Product.search(domain)}
        rows = sorted(
            (row for row in demo.bills if all(line.product_code in products for line in row.lines)),
            key=lambda row: (row.date, row.ref),
        )
        bills = self._demo_bill(
            [
                (
                    vendors[row.vendor],
                    row.ref,
                    row.date,
                    [
                        (products[line.product_code], line.quantity, line.price_unit)
                        for line in row.lines
                    ],
                )
                for row in rows
            ]
        )
        return [(bill, row.payment_date) for bill, row in zip(bills, rows, strict=True)]

    @api.model
    @api.private
    def _demo_bill(self, plans):
        """Post one vendor bill per plan, in the order of ``plans``.

        The first bill is created and posted by the ORM; every other one is a
        copy of its rows (bill, product and payable items) with its own vendor,
        lines, amounts, dates and number, written with SQL. ``TestDemoBills``
        proves that a copy equals what the ORM makes.

        :param plans: list of (vendor, reference, bill date, lines of (product,
            quantity, unit price)); the bills carry no taxes
        :return: the bills, in the order of ``plans``
        """
        (vendor, ref, day, lines), *others = plans
        template = (
            self.env["account.move"]
            .with_context(**QUIET)
            .create(
                {
                    "move_type": "in_invoice",
                    "partner_id": vendor.id,
                    "ref": ref,
                    "invoice_date": day,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "quantity": quantity,
                                "price_unit": price_unit,
                                "tax_ids": [],
                            }
                        )
                        for product, quantity, price_unit in lines
                    ],
                }
            )
        )
        template.action_post()
        return template | copy_bills(self.env, others, template)

    @api.model
    @api.private
    def _demo_invoice(self, groups):
        """Post one customer invoice per group of delivered orders (one customer's
        month) on its date, in date order.

        The first invoice is made by the ORM (create from the orders, back-date,
        post); every other one is a copy of its rows (invoice, product, tax and
        receivable items, the links to the order lines and their taxes, the "created
        from" note) with its own customer, lines, amounts, dates and number,
        written with SQL; the order lines' invoiced quantities and statuses are then
        recomputed by the ORM. ``TestDemoInvoices`` proves that a copy equals what
        the ORM makes.

        :param groups: list of (sale.order, invoice date, due date), one customer each
        :return: the invoices, in the order of ``groups``
        """
        (orders, invoice_date, due_date), *others = groups
        template = orders._create_invoices()
        self._demo_backdate_invoices([(template.id, invoice_date, due_date)])
        template.action_post()
        return template | copy_invoices(self.env, others, template)

    @api.model
    @api.private
    def _demo_pay(self, documents):
        """Pay posted documents in full on their payment dates, one payment each.

        The earliest document of each kind (customer invoice, vendor bill) is paid
        through the ORM, as the payment wizard would; every other payment is a copy
        of that template's rows (payment, journal entry, its two items, partial and
        full reconciliation, the document's paid state and the sale orders' "paid"
        note) with its own partner, date, amount and number, written with SQL.
        ``TestDemoPayments`` proves that a copy equals what the ORM makes.

        :param documents: list of (account.move, payment date or None)
        :return: the payments (account.payment)
        """
        to_pay = sorted(
            (
                (move, payment_date)
                for move, payment_date in documents
                if payment_date and move.state == "posted" and move.amount_residual
            ),
            key=lambda item: (item[1], item[0].id),
        )
        templates, copies = {}, []
        for move, payment_date in to_pay:
            if move.move_type in templates:
                copies.append((move, payment_date))
            else:
                templates[move.move_type] = (move, payment_date)
        payments = self._demo_pay_orm(list(templates.values()))
        by_type = {
            move.move_type: payment
            for (move, _date), payment in zip(templates.values(), payments, strict=True)
        }
        return payments | copy_payments(self.env, copies, by_type)

    def _demo_pay_orm(self, documents):
        """Create, post and reconcile one payment per document, in batch calls."""
        journal = self._demo_bank_journal()
        payments = self.env["account.payment"].create(
            [
                {
                    "date": payment_date,
                    "amount": move.amount_residual,
                    "payment_type": "inbound" if move.move_type == "out_invoice" else "outbound",
                    "partner_type": "customer" if move.move_type == "out_invoice" else "supplier",
                    "partner_id": move.commercial_partner_id.id,
                    "currency_id": move.currency_id.id,
                    "journal_id": journal.id,
                    "memo": move.name,
                    "invoice_ids": [Command.link(move.id)],
                }
                for move, payment_date in documents
            ]
        )
        payments.action_post()
        account_types = ("asset_receivable", "liability_payable")
        plan = [
            (payment.move_id.line_ids + move.line_ids).filtered(
                lambda line: line.account_type in account_types and not line.reconciled
            )
            for payment, (move, _date) in zip(payments, documents, strict=True)
        ]
        self.env["account.move.line"]._reconcile_plan(plan)
        return payments

    def _demo_bank_journal(self):
        return self.env["account.journal"].search(
            [
                ("type", "=", "bank"),
                *self.env["account.journal"]._check_company_domain(self.env.company),
            ],
            limit=1,
        )
