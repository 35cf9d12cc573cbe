"""ERP-side demo data: dairy catalogue, customers, two years of sales, bills and stock.

Each customer orders at a regular cadence (no Sunday orders, few on Saturdays);
quantities follow a growth trend and a yearly cycle with a December boost; some
categories have their own season and a few promotion weeks discount one category
and lift its sales. Every customer
orders at least once in every full month, except the largest customers of one
region, lost to a competitor since the start of last month (a sales dip), and a
few small customers who left one at a time over the past months (churn).
Invoices are paid according to each customer's payment habit, so some stay open
or overdue.
"""

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from .curves import bump, cyclic, split_counts
from .settings import load_settings


@dataclass(frozen=True, slots=True)
class ProductRow:
    code: str
    name: str
    category: str
    uom: str
    list_price: float
    standard_cost: float


@dataclass(frozen=True, slots=True)
class CustomerRow:
    ref: str
    name: str
    region: str
    city: str
    channel: str
    discount: float
    payment_profile: str


@dataclass(frozen=True, slots=True)
class OrderLineRow:
    product_code: str
    quantity: float
    discount: float


@dataclass(frozen=True, slots=True)
class OrderRow:
    ref: str
    customer_ref: str
    channel: str
    date_order: datetime
    delivery_date: date
    lines: tuple[OrderLineRow, ...]
    promotion: str | None
    invoice_ref: str


@dataclass(frozen=True, slots=True)
class InvoiceRow:
    """Monthly invoice of one customer, for the orders delivered that month."""

    ref: str
    customer_ref: str
    invoice_date: date
    due_date: date
    payment_date: date | None
    order_refs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SupplyRow:
    code: str
    name: str
    cost: float


@dataclass(frozen=True, slots=True)
class VendorRow:
    name: str
    region: str
    city: str


@dataclass(frozen=True, slots=True)
class BillLineRow:
    product_code: str
    quantity: float
    price_unit: float


@dataclass(frozen=True, slots=True)
class BillRow:
    ref: str
    vendor: str
    date: date
    due_date: date
    lines: tuple[BillLineRow, ...]
    payment_date: date | None


@dataclass(frozen=True, slots=True)
class StockRow:
    product_code: str
    initial_qty: float
    final_qty: float


@dataclass
class ErpDemo:
    """Everything the ERP-side demo needs, in insertion order."""

    start: date
    end: date
    parent_category: str = ""
    categories: list[str] = field(default_factory=list)
    products: list[ProductRow] = field(default_factory=list)
    teams: dict[str, str] = field(default_factory=dict)
    customers: list[CustomerRow] = field(default_factory=list)
    orders: list[OrderRow] = field(default_factory=list)
    invoices: list[InvoiceRow] = field(default_factory=list)
    lost_customers: list[str] = field(default_factory=list)
    lost_since: date | None = None
    churned: dict[str, date] = field(default_factory=dict)  # customer ref -> last day left
    supply_category: str = ""
    supplies: list[SupplyRow] = field(default_factory=list)
    vendors: list[VendorRow] = field(default_factory=list)
    bills: list[BillRow] = field(default_factory=list)
    stock: list[StockRow] = field(default_factory=list)


def _customers(rng, cfg, regions):
    names = cfg["customer_names"]
    region_counts = {}
    customers = []
    for channel, spec in cfg["channels"].items():
        pool = [f"{p} {k}" for p in names["prefixes"] for k in names[channel]]
        chosen = rng.sample(pool, spec["customers"])
        counts = split_counts(spec["customers"], cfg["region_weights"])
        channel_regions = [region for region, n in counts.items() for _i in range(n)]
        rng.shuffle(channel_regions)
        profiles = cfg["payment_profiles"]
        for name, region in zip(chosen, channel_regions, strict=True):
            region_counts[region] = region_counts.get(region, 0) + 1
            profile = rng.choices(list(profiles), weights=[p["share"] for p in profiles.values()])
            customers.append(
                CustomerRow(
                    ref=f"C{len(customers) + 1:04d}",
                    name=name,
                    region=region,
                    city=rng.choice(regions[region]["cities"]),
                    channel=channel,
                    discount=float(rng.choice(spec["discounts"])),
                    payment_profile=profile[0],
                )
            )
    return customers


def _promotions_by_week(cfg):
    return {week: promo for promo in cfg["promotions"] for week in promo["weeks"]}


def _quantity(product, raw):
    if product["uom"] == "litre":
        return float(max(10, round(raw / 10.0) * 10))
    return float(max(1, round(raw)))


def _month_start(day, months_back=0):
    """First day of the month ``months_back`` months before the month of ``day``."""
    index = day.year * 12 + day.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


def stopped(demo):
    """{customer ref: first day without orders} of the customers who left: the
    sales-dip customers and the churned ones."""
    return {**dict.fromkeys(demo.lost_customers, demo.lost_since), **demo.churned}


def _standing_orders(rng, demo, drafts):
    """One order for each customer and full month of the history without one:
    every customer buys every month (on a working day) until they leave, whatever
    the draw."""
    ordered = {(customer.ref, day.year, day.month) for day, customer in drafts}
    gone = stopped(demo)
    extra = []
    month = _month_start(demo.start)
    if month < demo.start:
        month = _month_start(demo.start, -1)
    while True:
        following = _month_start(month, -1)
        if following - timedelta(days=1) > demo.end:
            break
        workdays = [
            month + timedelta(days=offset)
            for offset in range((following - month).days)
            if (month + timedelta(days=offset)).weekday() != 6
        ]
        for customer in demo.customers:
            if customer.ref in gone and month >= gone[customer.ref]:
                continue
            if (customer.ref, month.year, month.month) not in ordered:
                extra.append((rng.choice(workdays), customer))
        month = following
    return extra


def _sales_dip(settings, demo, habits):
    """The sales dip: the region's largest customers (by expected volume) stop
    ordering from the first day of the month ``months`` - 1 before today's."""
    dip = settings["incidents"]["sales_dip"]
    channels = settings["erp"]["channels"]
    region = [c for c in demo.customers if c.region == dip["region"]]
    region.sort(
        key=lambda c: -habits[c.ref][0] * habits[c.ref][1] * channels[c.channel]["qty_factor"]
    )
    demo.lost_customers = sorted(c.ref for c in region[: round(len(region) * dip["lost_share"])])
    demo.lost_since = _month_start(demo.end, dip["months"] - 1)


def _churn(settings, demo, habits):
    """Customers who stopped ordering over the past months, one at a time (what a
    churn model learns from): the smallest customer (by expected volume) of each
    region but the sales dip's, leaving on the first day of the month that many
    months back."""
    churn = settings["incidents"]["churn"]
    channels = settings["erp"]["channels"]
    dip_region = settings["incidents"]["sales_dip"]["region"]
    regions = sorted({c.region for c in demo.customers} - {dip_region})
    picked = []
    for region in regions:
        members = [c for c in demo.customers if c.region == region]
        members.sort(
            key=lambda c: habits[c.ref][0] * habits[c.ref][1] * channels[c.channel]["qty_factor"]
        )
        picked.append(members[0])
    for customer, months in zip(picked, churn["months_ago"], strict=False):
        demo.churned[customer.ref] = _month_start(demo.end, months)


def _schedule(rng, cfg, demo, habits):
    """(day, customer) of every order: each customer orders at a regular cadence
    with a day or two of jitter. No order falls on a Sunday (moved to Monday) and
    most Saturday orders move to Friday, following the weekly pattern."""
    keep_saturday = cfg["weekly"][5] / cfg["weekly"][4]
    gone = stopped(demo)
    drafts = []
    for customer in demo.customers:
        interval = 7.0 / habits[customer.ref][0]
        day = demo.start + timedelta(days=rng.randrange(round(interval)))
        while day <= demo.end:
            placed = day
            if placed.weekday() == 6:
                placed += timedelta(days=1)
            elif placed.weekday() == 5 and rng.random() > keep_saturday:
                placed -= timedelta(days=1)
            if customer.ref in gone and placed >= gone[customer.ref]:
                break
            if demo.start <= placed <= demo.end:
                drafts.append((placed, customer))
            day += timedelta(days=max(1, round(interval + rng.gauss(0.0, cfg["cadence_sd_days"]))))
    return drafts


def _order(rng, cfg, ref, customer, habit, day, demo, promos):
    """Order ``ref`` of ``customer``, placed on ``day``: a few products of the
    customer's assortment, in quantities that follow the season, the December
    boost, the growth trend and promotions (fewer lines, more of each)."""
    _rate, size, assortment = habit
    doy = day.timetuple().tm_yday
    promo = promos.get(day.isocalendar()[1])
    seasons = cfg["category_seasonality"]
    spec = cfg["channels"][customer.channel]
    yearly = cfg["yearly"]
    level = (
        cyclic(doy, yearly["peak_doy"], yearly["amplitude"])
        * (1.0 + yearly["december_boost"] * bump(doy, 355, 10))
        * (1.0 + cfg["trend_per_year"] * ((day - demo.start).days / 365.0 - 0.5))
        * (promo["uplift"] if promo else 1.0)
    )
    sizes = range(spec["lines"][0], spec["lines"][1] + 1)
    usual = sum(n * w for n, w in zip(sizes, spec["line_weights"], strict=True))
    usual /= sum(spec["line_weights"])
    count = min(rng.choices(sizes, spec["line_weights"])[0], len(assortment))
    level *= usual / count
    weights = []
    for product in assortment:
        weight = product["popularity"]
        season = seasons.get(product["category"])
        if season:
            weight *= cyclic(doy, season["peak_doy"], season["amplitude"])
        if promo and product["category"] == promo["category"]:
            weight *= promo["weight"]
        weights.append(weight)
    picked = []
    pool = list(zip(assortment, weights, strict=True))
    for _i in range(count):
        index = rng.choices(range(len(pool)), [w for _p, w in pool])[0]
        picked.append(pool.pop(index)[0])
    lines = []
    order_promo = None
    for product in sorted(picked, key=lambda p: p["code"]):
        season = seasons.get(product["category"])
        raw = product["base_qty"] * spec["qty_factor"] * size * level
        raw *= math.exp(rng.gauss(0.0, cfg["qty_sigma"]))
        if season:
            raw *= cyclic(doy, season["peak_doy"], season["amplitude"])
        discount = customer.discount
        if promo and product["category"] == promo["category"]:
            discount = promo["discount"]
            order_promo = promo["name"]
            raw *= 1.2
        lines.append(OrderLineRow(product["code"], _quantity(product, raw), discount))
    moment = time(rng.randint(*cfg["order_hours"]), rng.randint(0, 59))
    lead = rng.randint(*cfg["delivery_lead_days"][customer.channel])
    delivery = min(day + timedelta(days=lead), demo.end)
    return OrderRow(
        ref=ref,
        customer_ref=customer.ref,
        channel=customer.channel,
        date_order=datetime.combine(day, moment),
        delivery_date=delivery,
        lines=tuple(lines),
        promotion=order_promo,
        invoice_ref=f"{customer.ref}/{delivery:%Y-%m}",
    )


def generate_erp_demo(today: date, seed: int | None = None, settings: dict | None = None):
    """Catalogue, customers, orders, vendor bills and stock for the history ending ``today``.

    :param today: last day of the history (included)
    :param seed: random seed; defaults to the seed of the settings
    :param settings: generator settings; defaults to the shipped ones
    :return: an :class:`ErpDemo`
    """
    settings = settings or load_settings()
    cfg = settings["erp"]
    seed = settings["seed"] if seed is None else seed
    rng = random.Random(f"smart-dairy-erp-{seed}")
    start = today - timedelta(days=settings["history_days"] - 1)
    demo = ErpDemo(start=start, end=today, parent_category=cfg["parent_category"])
    demo.categories = list(cfg["categories"])
    products = {p["code"]: p for p in cfg["products"]}
    demo.products = [
        ProductRow(p["code"], p["name"], p["category"], p["uom"], p["price"], p["cost"])
        for p in cfg["products"]
    ]
    demo.teams = {channel: spec["team"] for channel, spec in cfg["channels"].items()}
    demo.customers = _customers(rng, cfg, settings["regions"])

    # Per-customer habits: order rate, size, assortment.
    habits = {}
    for customer in demo.customers:
        spec = cfg["channels"][customer.channel]
        eligible = [p for p in cfg["products"] if customer.channel in p["channels"]]
        size = min(len(eligible), rng.randint(*spec["assortment"]))
        assortment = rng.sample(eligible, size)
        habits[customer.ref] = (
            rng.uniform(*spec["orders_per_week"]),
            math.exp(rng.gauss(0.0, spec["size_sigma"])),
            assortment,
        )

    promos = _promotions_by_week(cfg)
    _sales_dip(settings, demo, habits)
    _churn(settings, demo, habits)
    drafts = _schedule(rng, cfg, demo, habits)
    drafts.extend(_standing_orders(rng, demo, drafts))
    drafts.sort(key=lambda draft: (draft[0], draft[1].ref))
    sold = dict.fromkeys(products, 0.0)
    for day, customer in drafts:
        ref = f"PO-{len(demo.orders) + 1:05d}"
        order = _order(rng, cfg, ref, customer, habits[customer.ref], day, demo, promos)
        demo.orders.append(order)
        for line in order.lines:
            sold[line.product_code] += line.quantity

    for code, quantity in sold.items():
        final = float(math.ceil(quantity / settings["history_days"] * cfg["stock_cover_days"]))
        demo.stock.append(StockRow(code, quantity + final, final))

    _invoices(rng, cfg, demo)
    _purchases(rng, settings, demo)
    return demo


def _invoices(rng, cfg, demo):
    """One invoice per customer and month of delivery, dated at the month end.

    Deliveries of the current month are invoiced today. Each customer pays
    with their habitual delay; payments that would fall after today are not
    made yet, and a few invoices of slow payers are never paid.
    """
    customers = {c.ref: c for c in demo.customers}
    grouped = {}
    for order in demo.orders:
        grouped.setdefault(order.invoice_ref, []).append(order)
    for ref in sorted(grouped, key=lambda r: (grouped[r][0].delivery_date.replace(day=1), r)):
        orders = grouped[ref]
        first = orders[0].delivery_date
        month_end = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        invoice_date = min(month_end, demo.end)
        profile = cfg["payment_profiles"][customers[orders[0].customer_ref].payment_profile]
        payment = invoice_date + timedelta(days=rng.randint(*profile["delay_days"]))
        if payment > demo.end or rng.random() < profile["never_pays"]:
            payment = None
        demo.invoices.append(
            InvoiceRow(
                ref=ref,
                customer_ref=orders[0].customer_ref,
                invoice_date=invoice_date,
                due_date=invoice_date + timedelta(days=cfg["payment_term_days"]),
                payment_date=payment,
                order_refs=tuple(o.ref for o in orders),
            )
        )


def _purchases(rng, settings, demo):
    """Supplies, vendors and their periodic bills (feed and farm supplies)."""
    cfg = settings["erp"]
    supplies = cfg["supplies"]
    demo.supply_category = supplies["category"]
    demo.supplies = [SupplyRow(p["code"], p["name"], p["cost"]) for p in supplies["products"]]
    costs = {p["code"]: p["cost_per_kg"] for p in settings["farm"]["feed"]["products"]}
    costs.update({p.code: p.cost for p in demo.supplies})
    drift = settings["farm"]["feed"]["price_drift_per_year"]
    for index, vendor in enumerate(cfg["vendors"]):
        city = rng.choice(settings["regions"][vendor["region"]]["cities"])
        demo.vendors.append(VendorRow(vendor["name"], vendor["region"], city))
        day = demo.start + timedelta(days=index * 3)
        while day <= demo.end:
            factor = 1.0 + drift * (day - demo.start).days / 365.0
            lines = tuple(
                BillLineRow(
                    line["product"],
                    round(line["quantity"] * math.exp(rng.gauss(0.0, cfg["bill_qty_sd"]))),
                    round(costs[line["product"]] * factor, 4),
                )
                for line in vendor["lines"]
            )
            payment = day + timedelta(days=rng.randint(*vendor["pay_delay_days"]))
            demo.bills.append(
                BillRow(
                    ref=f"BILL-{index + 1}-{day:%Y%m%d}",
                    vendor=vendor["name"],
                    date=day,
                    due_date=day + timedelta(days=cfg["payment_term_days"]),
                    lines=lines,
                    payment_date=payment if payment <= demo.end else None,
                )
            )
            day += timedelta(days=vendor["every_days"])
