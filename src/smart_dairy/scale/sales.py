"""Confirmed sale orders and their lines, as Odoo's sale module stores them.

:func:`generate` is pure: from a :class:`SalesPlan` (seed, size, period and the
ids of master data) it yields batches of column arrays, identical for the same
plan. :func:`load` reserves ids, streams the batches into ``sale_order``,
``sale_order_line`` and the line-tax relation with COPY, and fixes sequences.
"""

import time
from dataclasses import dataclass

import numpy as np
from smart_dairy.scale import bulk

BATCH_ORDERS = 20_000
PROGRESS_ROWS = 200_000
MAX_LINES_PER_ORDER = 10
DISCOUNTS = np.array([0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 2.5, 5.0, 10.0, 15.0])
DELIVERY_DAYS = 2
INVOICE_DAYS = 10
PRICE_DRIFT_PER_YEAR = 0.03
DAY = np.timedelta64(1, "D")

ORDER_COLUMNS = (
    "id",
    "name",
    "company_id",
    "partner_id",
    "partner_invoice_id",
    "partner_shipping_id",
    "currency_id",
    "user_id",
    "team_id",
    "warehouse_id",
    "invoice_status",
    "delivery_status",
    "date_order",
    "create_date",
    "write_date",
    "effective_date",
    "amount_untaxed",
    "amount_tax",
    "amount_total",
    "state",
    "currency_rate",
    "picking_policy",
    "locked",
    "require_signature",
    "require_payment",
    "prepayment_percent",
    "create_uid",
    "write_uid",
)
LINE_COLUMNS = (
    "id",
    "order_id",
    "sequence",
    "company_id",
    "currency_id",
    "order_partner_id",
    "salesman_id",
    "product_id",
    "product_uom_id",
    "warehouse_id",
    "invoice_status",
    "name",
    "product_uom_qty",
    "price_unit",
    "technical_price_unit",
    "discount",
    "price_subtotal",
    "price_tax",
    "price_total",
    "price_reduce_taxexcl",
    "price_reduce_taxinc",
    "qty_delivered",
    "qty_invoiced",
    "qty_to_invoice",
    "untaxed_amount_invoiced",
    "untaxed_amount_to_invoice",
    "create_date",
    "write_date",
    "state",
    "qty_delivered_method",
    "customer_lead",
    "is_downpayment",
    "is_expense",
    "is_optional",
    "collapse_prices",
    "collapse_composition",
    "create_uid",
    "write_uid",
)
TAX_REL_COLUMNS = ("sale_order_line_id", "account_tax_id")


@dataclass(frozen=True)
class SalesPlan:
    """Everything :func:`generate` needs; the same plan yields the same rows."""

    seed: int
    order_lines: int
    start: np.datetime64  # first day, datetime64[D]
    end: np.datetime64  # last day (inclusive), datetime64[D]
    first_order_id: int
    first_line_id: int
    company_ids: np.ndarray
    currency_ids: np.ndarray
    warehouse_ids: np.ndarray  # 0 when the company has no warehouse
    tax_ids: np.ndarray  # 0 when the company has no default sale tax
    tax_rates: np.ndarray  # percent
    catalogue: object  # master.Catalogue
    customers: object  # master.Customers
    uid: int


@dataclass
class SalesBatch:
    orders: dict
    lines: dict


def order_sizes(seed, order_lines):
    """Lines per order, summing exactly to ``order_lines``."""
    rng = np.random.default_rng([seed, 1])
    sizes, total = [], 0
    while total < order_lines:
        chunk = rng.integers(1, MAX_LINES_PER_ORDER + 1, size=max(order_lines // 5, 16))
        sizes.append(chunk)
        total += int(chunk.sum())
    sizes = np.concatenate(sizes) if sizes else np.zeros(0, dtype=np.int64)
    cumulative = np.cumsum(sizes)
    last = int(np.searchsorted(cumulative, order_lines))
    sizes = sizes[: last + 1].copy()
    if len(sizes):
        sizes[-1] -= cumulative[last] - order_lines
    return sizes


def _day_weights(start, days):
    """Relative order volume per day: growth, a summer peak and quiet weekends."""
    offsets = np.arange(days)
    dates = start + offsets * DAY
    day_of_year = (dates - dates.astype("datetime64[Y]")).astype(np.int64)
    weekday = (dates.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    weights = (1 + 0.25 * offsets / max(days, 1)) * (
        1 + 0.12 * np.cos(2 * np.pi * (day_of_year - 196) / 365.25)
    )
    weights *= np.where(weekday == 6, 0.25, np.where(weekday == 5, 0.6, 1.0))
    return weights / weights.sum()


def generate(plan, batch_orders=BATCH_ORDERS):
    """Yield :class:`SalesBatch` column arrays for the whole plan, oldest orders first."""
    sizes = order_sizes(plan.seed, plan.order_lines)
    n_orders = len(sizes)
    rng = np.random.default_rng([plan.seed, 2])
    days = int((plan.end - plan.start) / DAY) + 1
    start_s = plan.start.astype("datetime64[s]")
    end_s = (plan.end + DAY).astype("datetime64[s]")
    order_day = rng.choice(days, size=n_orders, p=_day_weights(plan.start, days))
    order_second = rng.integers(6 * 3600, 19 * 3600, size=n_orders)
    order_time = np.sort(start_s + (order_day * 86400 + order_second).astype("timedelta64[s]"))
    customers = plan.customers
    n_customers = len(customers.partner_ids)
    popularity = rng.pareto(1.16, size=n_customers) + 0.05
    order_customer = rng.choice(n_customers, size=n_orders, p=popularity / popularity.sum())
    price_factor = 0.9 + 0.12 * rng.random(n_customers)
    product_weights = rng.dirichlet(np.full(len(plan.catalogue.product_ids), 2.0))

    first_line = np.concatenate([[0], np.cumsum(sizes)[:-1]]) if n_orders else sizes
    for begin in range(0, n_orders, batch_orders):
        stop = min(begin + batch_orders, n_orders)
        yield _batch(
            plan,
            rng,
            begin,
            stop,
            sizes,
            first_line,
            order_time,
            order_customer,
            price_factor,
            product_weights,
            end_s,
        )


def _batch(
    plan,
    rng,
    begin,
    stop,
    sizes,
    first_line,
    order_time,
    order_customer,
    price_factor,
    product_weights,
    end_s,
):
    catalogue, customers = plan.catalogue, plan.customers
    order_index = np.arange(begin, stop)
    batch_sizes = sizes[begin:stop]
    n_lines = int(batch_sizes.sum())
    cust = order_customer[begin:stop]
    company = customers.company_index[cust]
    when = order_time[begin:stop]
    age_days = (end_s - when) / np.timedelta64(1, "D")

    line_order = np.repeat(np.arange(stop - begin), batch_sizes)
    batch_first = np.concatenate([[0], np.cumsum(batch_sizes)[:-1]])
    position = np.arange(n_lines) - batch_first[line_order]
    product = rng.choice(len(catalogue.product_ids), size=n_lines, p=product_weights)
    qty = np.maximum(1.0, np.round(rng.gamma(2.0, catalogue.qty_scales[product] / 2.0)))
    years = (when[line_order] - plan.start.astype("datetime64[s]")) / np.timedelta64(
        31_557_600, "s"
    )
    price = bulk.round_half_up(
        catalogue.list_prices[product]
        * price_factor[cust[line_order]]
        * (1 + PRICE_DRIFT_PER_YEAR * years),
        2,
    )
    price = np.maximum(price, 0.01)
    discount = DISCOUNTS[rng.integers(0, len(DISCOUNTS), size=n_lines)]
    raw_base = price * (1 - discount / 100.0) * qty  # Odoo's order of operations
    subtotal = bulk.round_half_up(raw_base, 2)
    line_company = company[line_order]
    tax = bulk.round_half_up(raw_base * plan.tax_rates[line_company] / 100.0, 2)
    total = bulk.round_half_up(subtotal + tax, 2)
    line_age = age_days[line_order]
    delivered = np.where(line_age >= DELIVERY_DAYS, qty, 0.0)
    invoiced = np.where(line_age >= INVOICE_DAYS, delivered, 0.0)
    to_invoice = delivered - invoiced
    reduce_excl = bulk.round_half_up(subtotal / qty, 4)
    reduce_incl = bulk.round_half_up(total / qty, 4)
    line_status = np.where(
        to_invoice > 0, "to invoice", np.where(invoiced >= qty, "invoiced", "no")
    )

    starts = batch_first
    amount_untaxed = bulk.round_half_up(np.add.reduceat(subtotal, starts), 2)
    amount_tax = bulk.round_half_up(np.add.reduceat(tax, starts), 2)
    amount_total = bulk.round_half_up(amount_untaxed + amount_tax, 2)
    any_to_invoice = np.maximum.reduceat((to_invoice > 0).astype(np.int8), starts) > 0
    all_invoiced = np.minimum.reduceat((invoiced >= qty).astype(np.int8), starts) > 0
    order_status = np.where(any_to_invoice, "to invoice", np.where(all_invoiced, "invoiced", "no"))
    delivered_order = age_days >= DELIVERY_DAYS

    order_ids = plan.first_order_id + order_index
    orders = {
        "id": order_ids,
        "company_id": plan.company_ids[company],
        "partner_id": customers.partner_ids[cust],
        "currency_id": plan.currency_ids[company],
        "user_id": customers.user_ids[cust],
        "team_id": customers.team_ids[cust],
        "warehouse_id": plan.warehouse_ids[company],
        "invoice_status": order_status,
        "delivery_status": np.where(delivered_order, "full", "pending"),
        "date_order": when,
        "effective_date": np.where(delivered_order, when + np.timedelta64(1, "D"), when),
        "delivered": delivered_order,
        "amount_untaxed": amount_untaxed,
        "amount_tax": amount_tax,
        "amount_total": amount_total,
    }
    lines = {
        "id": plan.first_line_id + first_line[begin] + np.arange(n_lines),
        "order_id": order_ids[line_order],
        "sequence": 10 * (position + 1),
        "company_id": plan.company_ids[line_company],
        "currency_id": plan.currency_ids[line_company],
        "order_partner_id": orders["partner_id"][line_order],
        "salesman_id": orders["user_id"][line_order],
        "product": product,
        "product_id": catalogue.product_ids[product],
        "product_uom_id": catalogue.uom_ids[product],
        "warehouse_id": plan.warehouse_ids[line_company],
        "tax_id": plan.tax_ids[line_company],
        "invoice_status": line_status,
        "product_uom_qty": qty,
        "price_unit": price,
        "discount": discount,
        "price_subtotal": subtotal,
        "price_tax": tax,
        "price_total": total,
        "price_reduce_taxexcl": reduce_excl,
        "price_reduce_taxinc": reduce_incl,
        "qty_delivered": delivered,
        "qty_invoiced": invoiced,
        "qty_to_invoice": to_invoice,
        "untaxed_amount_invoiced": bulk.round_half_up(invoiced * reduce_excl, 2),
        "untaxed_amount_to_invoice": bulk.round_half_up(to_invoice * reduce_excl, 2),
        "create_date": when[line_order],
    }
    return SalesBatch(orders, lines)


def _ids_or_null(values):
    return [str(value) if value else bulk.NULL for value in values.tolist()]


def render_orders(batch, uid):
    """COPY text of the batch's ``sale_order`` rows (columns: ORDER_COLUMNS)."""
    o = batch.orders
    fmt = (
        "%d\tSO/SC/%07d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%r\t%r\t%r"
        f"\tsale\t1.0\tdirect\tf\tf\tf\t1.0\t{uid}\t{uid}\n"
    )
    stamps = bulk.iso_seconds(o["date_order"])
    effective = [
        stamp if done else bulk.NULL
        for stamp, done in zip(
            bulk.iso_seconds(o["effective_date"]), o["delivered"].tolist(), strict=True
        )
    ]
    ids = o["id"].tolist()
    partners = o["partner_id"].tolist()
    return bulk.render_lines(
        fmt,
        [
            ids,
            ids,
            o["company_id"].tolist(),
            partners,
            partners,
            partners,
            o["currency_id"].tolist(),
            o["user_id"].tolist(),
            o["team_id"].tolist(),
            _ids_or_null(o["warehouse_id"]),
            o["invoice_status"].tolist(),
            o["delivery_status"].tolist(),
            stamps,
            stamps,
            stamps,
            effective,
            o["amount_untaxed"].tolist(),
            o["amount_tax"].tolist(),
            o["amount_total"].tolist(),
        ],
    )


def render_lines(batch, labels, uid):
    """COPY text of the batch's ``sale_order_line`` rows (columns: LINE_COLUMNS)."""
    li = batch.lines
    fmt = (
        "%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%s\t%s\t%s"
        + "\t%r" * 14
        + f"\t%s\t%s\tsale\tmanual\t0.0\tf\tf\tf\tf\tf\t{uid}\t{uid}\n"
    )
    stamps = bulk.iso_seconds(li["create_date"])
    price = li["price_unit"].tolist()
    return bulk.render_lines(
        fmt,
        [
            li["id"].tolist(),
            li["order_id"].tolist(),
            li["sequence"].tolist(),
            li["company_id"].tolist(),
            li["currency_id"].tolist(),
            li["order_partner_id"].tolist(),
            li["salesman_id"].tolist(),
            li["product_id"].tolist(),
            li["product_uom_id"].tolist(),
            _ids_or_null(li["warehouse_id"]),
            li["invoice_status"].tolist(),
            [labels[k] for k in li["product"].tolist()],
            li["product_uom_qty"].tolist(),
            price,
            price,
            li["discount"].tolist(),
            li["price_subtotal"].tolist(),
            li["price_tax"].tolist(),
            li["price_total"].tolist(),
            li["price_reduce_taxexcl"].tolist(),
            li["price_reduce_taxinc"].tolist(),
            li["qty_delivered"].tolist(),
            li["qty_invoiced"].tolist(),
            li["qty_to_invoice"].tolist(),
            li["untaxed_amount_invoiced"].tolist(),
            li["untaxed_amount_to_invoice"].tolist(),
            stamps,
            stamps,
        ],
    )


def render_taxes(batch):
    """COPY text linking each taxed line to its company's default sale tax."""
    li = batch.lines
    taxed = li["tax_id"] > 0
    return bulk.render_lines("%d\t%d\n", [li["id"][taxed].tolist(), li["tax_id"][taxed].tolist()])


def load(cur, plan_args, report):
    """Generate and COPY the sales of a plan; ``plan_args`` are SalesPlan fields but ids.

    Generating a batch counts towards the time of ``sale_order_line``.
    Returns the plan used, with the ids it reserved.
    """
    sizes = order_sizes(plan_args["seed"], plan_args["order_lines"])
    plan = SalesPlan(
        first_order_id=bulk.reserve_ids(cur, "sale_order", len(sizes)),
        first_line_id=bulk.reserve_ids(cur, "sale_order_line", plan_args["order_lines"]),
        **plan_args,
    )
    tables = ("sale_order", "sale_order_line", "account_tax_sale_order_line_rel")
    rows = dict.fromkeys(tables, 0)
    seconds = dict.fromkeys(tables, 0.0)
    batches = generate(plan)
    while True:
        started = time.perf_counter()
        batch = next(batches, None)
        if batch is None:
            break
        generated = time.perf_counter()
        bulk.copy_text(cur, tables[0], ORDER_COLUMNS, [render_orders(batch, plan.uid)])
        orders_done = time.perf_counter()
        text = render_lines(batch, plan.catalogue.labels, plan.uid)
        bulk.copy_text(cur, tables[1], LINE_COLUMNS, [text])
        lines_done = time.perf_counter()
        bulk.copy_text(cur, tables[2], TAX_REL_COLUMNS, [render_taxes(batch)])
        seconds[tables[0]] += orders_done - generated
        seconds[tables[1]] += lines_done - orders_done + generated - started
        seconds[tables[2]] += time.perf_counter() - lines_done
        rows[tables[0]] += len(batch.orders["id"])
        rows[tables[1]] += len(batch.lines["id"])
        rows[tables[2]] += int((batch.lines["tax_id"] > 0).sum())
        if (
            rows[tables[1]] // PROGRESS_ROWS
            > (rows[tables[1]] - len(batch.lines["id"])) // (PROGRESS_ROWS)
            or rows[tables[1]] == plan.order_lines
        ):
            report.progress(
                f"sale orders {rows[tables[0]]:,} / lines {rows[tables[1]]:,} "
                f"of {plan.order_lines:,}"
            )
    for table in tables:
        report.record(table, rows[table], seconds[table])
    for table in tables[:2]:
        bulk.fix_sequence(cur, table)
    return plan
