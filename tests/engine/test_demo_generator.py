"""Tests of the seeded demo data generators (no Odoo, no database)."""

from collections import Counter, defaultdict
from datetime import date, timedelta
from itertools import pairwise
from statistics import mean

import pytest
from smart_dairy.demo import generate_erp_demo, generate_farm_demo, load_settings
from smart_dairy.demo.erp import stopped
from smart_dairy.quality import grade

TODAY = date(2025, 6, 15)


@pytest.fixture(scope="module")
def farm():
    return generate_farm_demo(TODAY, seed=7)


@pytest.fixture(scope="module")
def erp():
    return generate_erp_demo(TODAY, seed=7)


def test_settings_ship_with_the_package():
    settings = load_settings()
    assert set(settings["regions"]) == {"north", "south", "east", "west", "central"}
    assert len(settings["erp"]["categories"]) == 6


def test_farm_same_seed_same_rows(farm):
    again = generate_farm_demo(TODAY, seed=7)
    assert again.animals == farm.animals
    assert again.milkings == farm.milkings
    assert again.feeds == farm.feeds


def test_farm_other_seed_differs(farm):
    other = generate_farm_demo(TODAY, seed=8)
    assert other.animals != farm.animals
    assert other.milkings[:100] != farm.milkings[:100]


def test_erp_same_seed_same_rows_other_seed_differs(erp):
    assert generate_erp_demo(TODAY, seed=7).orders == erp.orders
    assert generate_erp_demo(TODAY, seed=7).bills == erp.bills
    assert generate_erp_demo(TODAY, seed=8).orders != erp.orders


def test_farm_counts(farm):
    assert len(farm.farms) >= 3
    assert len({f.region for f in farm.farms}) == len(farm.farms)
    assert len(farm.animals) >= 150
    assert len({a.ear_tag for a in farm.animals}) == len(farm.animals)
    statuses = Counter(a.status for a in farm.animals)
    assert statuses["lactating"] > (len(farm.animals) - statuses["sold"]) / 2
    assert statuses["dry"] and statuses["heifer"] and statuses["sold"]
    assert len({a.breed for a in farm.animals}) >= 4
    assert len(farm.milkings) >= 170_000
    keys = {(m.ear_tag, m.date, m.session) for m in farm.milkings}
    assert len(keys) == len(farm.milkings), "one milking per animal, day and session"
    assert len(farm.feeds) == len(farm.farms) * len(farm.feed_products) * 730


def test_farm_dates_cover_two_years_ending_today(farm):
    dates = [m.date for m in farm.milkings]
    assert farm.start == TODAY - timedelta(days=729)
    assert min(dates) == farm.start
    assert max(dates) == TODAY
    assert {m.session for m in farm.milkings} == {"morning", "evening"}
    assert min(f.date for f in farm.feeds) == farm.start
    assert max(f.date for f in farm.feeds) == TODAY
    for animal in farm.animals:
        assert animal.birth_date < TODAY
        if animal.last_calving_date:
            assert animal.birth_date < animal.last_calving_date <= TODAY


def test_milkings_agree_with_animal_status(farm):
    milked_today = {m.ear_tag for m in farm.milkings if m.date == TODAY}
    last_milked = {}
    for m in farm.milkings:
        last_milked[m.ear_tag] = max(m.date, last_milked.get(m.ear_tag, m.date))
    for animal in farm.animals:
        if animal.status == "lactating":
            assert animal.ear_tag in milked_today
            assert animal.lactation_number >= 1
        elif animal.status == "heifer":
            assert animal.ear_tag not in last_milked
            assert animal.lactation_number == 0
        elif animal.status == "dry":
            assert animal.ear_tag not in milked_today
        elif animal.status == "sold":
            assert last_milked[animal.ear_tag] < animal.sold_date


def test_lactation_curve_peaks_between_40_and_70_days(farm):
    calving = {a.ear_tag: a.last_calving_date for a in farm.animals if a.last_calving_date}
    per_cow = defaultdict(lambda: defaultdict(float))
    for m in farm.milkings:
        dim = (m.date - calving[m.ear_tag]).days + 1
        if dim >= 1:
            per_cow[m.ear_tag][dim] += m.volume
    # Cows that calved at least 250 days ago show the whole curve: average their
    # yields relative to each cow's own level, by 10-day bucket of days in milk.
    buckets = defaultdict(list)
    for days in per_cow.values():
        if max(days) < 250:
            continue
        level = mean(days.values())
        for dim, litres in days.items():
            buckets[(dim - 1) // 10].append(litres / level)
    curve = {bucket: mean(values) for bucket, values in buckets.items() if bucket < 30}
    peak = max(curve, key=curve.get)
    assert 40 <= peak * 10 + 5 <= 70
    assert curve[0] < curve[peak] * 0.95
    assert curve[25] < curve[peak] * 0.8
    assert curve[15] < curve[peak]


def test_composition_and_cell_counts_are_realistic(farm):
    fat = sorted(m.fat_pct for m in farm.milkings)
    protein = sorted(m.protein_pct for m in farm.milkings)
    scc = sorted(m.scc for m in farm.milkings)
    n = len(fat)
    assert fat[n // 10] >= 3.5 and fat[9 * n // 10] <= 4.5
    assert protein[n // 10] >= 3.0 and protein[9 * n // 10] <= 3.6
    assert scc[n // 4] >= 80_000 and scc[3 * n // 4] <= 300_000
    assert scc[-1] > 750_000, "a few high-SCC episodes"


def test_grades_mostly_premium_or_a_never_rejected_majority(farm):
    grades = Counter(grade(m.scc, m.fat_pct, m.protein_pct) for m in farm.milkings)
    total = sum(grades.values())
    assert (grades["premium"] + grades["a"]) / total > 0.8
    assert grades["premium"] > 0.2 * total
    assert 0 < grades["rejected"] < 0.05 * total
    assert grades["b"] > 0


def test_milk_seasonality_spring_flush_and_summer_dip(farm):
    per_cow_day = defaultdict(float)
    for m in farm.milkings:
        per_cow_day[(m.ear_tag, m.date)] += m.volume
    by_doy = defaultdict(list)
    for (_tag, day), litres in per_cow_day.items():
        by_doy[day.timetuple().tm_yday].append(litres)

    def window(first, last):
        return mean(v for doy in range(first, last + 1) for v in by_doy[doy])

    assert window(105, 125) > window(195, 215) * 1.08


def test_feed_records_have_costs(farm):
    assert {p.category for p in farm.feed_products} >= {"Forage", "Concentrates", "Minerals"}
    assert all(f.quantity > 0 and f.cost > 0 for f in farm.feeds)


def test_erp_counts(erp):
    settings = load_settings()["erp"]["channels"]
    assert len(erp.customers) == sum(spec["customers"] for spec in settings.values())
    assert {c.region for c in erp.customers} == {"north", "south", "east", "west", "central"}
    assert set(erp.teams) == {"retail", "wholesale"}
    assert {c.channel for c in erp.customers} == set(erp.teams)
    categories = Counter(p.category for p in erp.products)
    assert set(categories) == set(erp.categories)
    assert len(categories) == 6 and min(categories.values()) >= 3
    assert all(p.list_price > p.standard_cost > 0 for p in erp.products)
    assert 1000 <= len(erp.orders) <= 2000
    assert all(1 <= len(o.lines) <= 5 for o in erp.orders)
    assert len({o.ref for o in erp.orders}) == len(erp.orders)


def test_erp_dates_and_payments(erp):
    first = min(o.date_order.date() for o in erp.orders)
    last = max(o.date_order.date() for o in erp.orders)
    assert first - erp.start < timedelta(days=3)
    assert TODAY - last < timedelta(days=3)
    invoices = {i.ref: i for i in erp.invoices}
    assert sorted(r for i in erp.invoices for r in i.order_refs) == sorted(
        o.ref for o in erp.orders
    )
    for order in erp.orders:
        assert order.date_order.date() <= order.delivery_date <= TODAY
        invoice = invoices[order.invoice_ref]
        assert invoice.customer_ref == order.customer_ref
        assert order.delivery_date <= invoice.invoice_date <= TODAY
        assert invoice.invoice_date.month == order.delivery_date.month
    for invoice in erp.invoices:
        assert invoice.invoice_date < invoice.due_date
        assert invoice.payment_date is None or invoice.invoice_date < invoice.payment_date <= TODAY
    paid = sum(1 for i in erp.invoices if i.payment_date)
    overdue = sum(1 for i in erp.invoices if not i.payment_date and i.due_date < TODAY)
    open_not_due = sum(1 for i in erp.invoices if not i.payment_date and i.due_date >= TODAY)
    assert paid > 0.75 * len(erp.invoices)
    assert overdue > 0 and open_not_due > 0
    assert sum(1 for b in erp.bills if b.payment_date) > 0.8 * len(erp.bills)


def test_orders_follow_weekly_and_yearly_seasonality(erp):
    weekdays = Counter(o.date_order.weekday() for o in erp.orders)
    assert weekdays[6] == 0, "no Sunday orders"
    assert weekdays[4] > 1.5 * weekdays[5], "Friday busier than Saturday"
    assert min(weekdays[d] for d in range(5)) > weekdays[5]
    price = {p.code: p.list_price for p in erp.products}
    weeks = Counter()
    for order in erp.orders:
        week = order.date_order.isocalendar()[1]
        weeks[week] += sum(line.quantity * price[line.product_code] for line in order.lines)
    summer = mean(weeks[w] for w in range(24, 36))
    winter = mean(weeks[w] for w in range(2, 14))
    assert summer > 1.15 * winter
    december = mean(weeks[w] for w in (50, 51))
    november = mean(weeks[w] for w in (45, 46, 47))
    assert december > november


def test_customers_order_at_a_regular_cadence(erp):
    days = defaultdict(list)
    for order in erp.orders:
        days[order.customer_ref].append(order.date_order.date())
    for customer in erp.customers:
        if customer.ref in erp.lost_customers:
            continue
        gaps = [(b - a).days for a, b in pairwise(days[customer.ref])]
        assert max(gaps) <= 45, customer.ref
        usual = sorted(gaps)[len(gaps) // 2]
        assert sum(abs(gap - usual) <= 4 for gap in gaps) >= 0.8 * len(gaps), customer.ref


def test_promotions_discount_their_category_in_their_weeks(erp):
    settings = load_settings()["erp"]
    category = {p.code: p.category for p in erp.products}
    promo_weeks = {w: p for p in settings["promotions"] for w in p["weeks"]}
    promoted = 0
    for order in erp.orders:
        promo = promo_weeks.get(order.date_order.isocalendar()[1])
        for line in order.lines:
            if promo and category[line.product_code] == promo["category"]:
                assert line.discount == promo["discount"]
                promoted += 1
            else:
                assert line.discount <= 5
    assert promoted > 20
    assert {o.promotion for o in erp.orders if o.promotion} == {
        p["name"] for p in settings["promotions"]
    }


def test_stock_covers_sales(erp):
    sold = Counter()
    for order in erp.orders:
        for line in order.lines:
            sold[line.product_code] += line.quantity
    stock = {s.product_code: s for s in erp.stock}
    assert set(stock) == {p.code for p in erp.products}
    for code, row in stock.items():
        assert row.final_qty > 0
        assert row.initial_qty == pytest.approx(sold[code] + row.final_qty)


# --------------------------------------------------------------- any date
# Properties the generators guarantee whatever day they run on: month ends, a
# leap day, a Sunday, New Year's Day and the day the demo once fell short.
DATES = [
    date(2026, 1, 31),
    date(2026, 4, 30),
    date(2028, 2, 29),
    date(2026, 11, 29),
    date(2027, 1, 1),
    date(2026, 12, 1),
]
# The shipped alert rules the incidents must trip (smart_dairy_bi data).
SCC_WARNING = 300_000
PRODUCTION_BELOW_TARGET = 0.9
REGION_REVENUE_DOWN = 0.6


@pytest.fixture(scope="module", params=DATES, ids=str)
def dated(request):
    today = request.param
    return today, generate_farm_demo(today), generate_erp_demo(today)


def _full_months(first, last):
    """(year, month) of every calendar month wholly inside [first, last]."""
    months = []
    day = first if first.day == 1 else (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    while True:
        following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
        if following - timedelta(days=1) > last:
            return months
        months.append((day.year, day.month))
        day = following


def test_farm_history_ends_today_on_any_date(dated):
    today, farm, _erp = dated
    days = load_settings()["history_days"]
    assert farm.start == today - timedelta(days=days - 1)
    assert min(m.date for m in farm.milkings) == farm.start
    assert max(m.date for m in farm.milkings) == today
    feed_days = Counter((f.farm_code, f.date) for f in farm.feeds)
    assert len(feed_days) == len(farm.farms) * days
    assert set(feed_days.values()) == {len(farm.feed_products)}
    sessions = Counter((m.ear_tag, m.session) for m in farm.milkings if m.date == today)
    lactating = {a.ear_tag for a in farm.animals if a.status == "lactating"}
    assert {tag for tag, _session in sessions} == lactating
    assert set(sessions.values()) == {1}
    milked = {m.ear_tag for m in farm.milkings}
    for animal in farm.animals:
        assert animal.birth_date < today
        assert animal.last_calving_date is None or animal.last_calving_date <= today
        if animal.status == "heifer":
            assert animal.ear_tag not in milked
        if animal.status == "sold":
            assert farm.start < animal.sold_date < today
    for m in farm.milkings:
        assert m.volume > 0


def test_farm_incidents_trip_the_shipped_rules_on_any_date(dated):
    today, farm, _erp = dated
    incidents = load_settings()["incidents"]
    yesterday = today - timedelta(days=1)
    litres, scc = defaultdict(float), defaultdict(float)
    for m in farm.milkings:
        if m.date == yesterday:
            litres[m.farm_code] += m.volume
            scc[m.farm_code] += m.scc * m.volume
    mastitis = incidents["mastitis"]
    assert len(farm.mastitis_cows) == mastitis["cows"]
    assert {tag.split("-")[0] for tag in farm.mastitis_cows} == {"RB"}
    assert scc[mastitis["farm"]] / litres[mastitis["farm"]] > SCC_WARNING
    # Production targets are each farm's mean over the weeks before the shortfall.
    shortfall = incidents["shortfall"]
    assert farm.shortfall_start == today - timedelta(days=shortfall["days"] - 1)
    window = shortfall["target_days"]
    before = defaultdict(float)
    for m in farm.milkings:
        if farm.shortfall_start - timedelta(days=window) <= m.date < farm.shortfall_start:
            before[m.farm_code] += m.volume / window
    assert litres[shortfall["farm"]] < 0.75 * before[shortfall["farm"]]
    assert sum(litres.values()) < PRODUCTION_BELOW_TARGET * sum(before.values())


def test_erp_history_ends_today_on_any_date(dated):
    today, _farm, erp = dated
    assert erp.start == today - timedelta(days=load_settings()["history_days"] - 1)
    assert len({o.ref for o in erp.orders}) == len(erp.orders)
    assert [o.ref for o in erp.orders] == sorted(o.ref for o in erp.orders)
    for order in erp.orders:
        placed = order.date_order.date()
        assert erp.start <= placed <= order.delivery_date <= today
        assert placed.weekday() != 6, "no Sunday orders"
    invoiced = sorted(ref for invoice in erp.invoices for ref in invoice.order_refs)
    assert invoiced == sorted(o.ref for o in erp.orders)
    for invoice in erp.invoices:
        assert erp.start <= invoice.invoice_date <= today
        assert invoice.payment_date is None or invoice.payment_date <= today
    for bill in erp.bills:
        assert erp.start <= bill.date <= today
        assert bill.payment_date is None or bill.payment_date <= today


def test_every_customer_orders_every_full_month_until_lost(dated):
    today, _farm, erp = dated
    months = _full_months(erp.start, today)
    assert len(months) >= 23
    ordered = defaultdict(set)
    for order in erp.orders:
        ordered[(order.date_order.year, order.date_order.month)].add(order.customer_ref)
    customers = {c.ref for c in erp.customers}
    gone = stopped(erp)
    for year, month in months:
        left = {ref for ref, day in gone.items() if date(year, month, 1) >= day}
        assert ordered[(year, month)] == customers - left, (year, month)
    missing = sum(len(_full_months(day, today)) for day in gone.values())
    assert len(erp.orders) >= len(customers) * len(months) - missing


def test_churned_customers_leave_one_at_a_time_outside_the_dip(dated):
    today, _farm, erp = dated
    incidents = load_settings()["incidents"]
    region = {c.ref: c.region for c in erp.customers}
    assert len(erp.churned) == len(incidents["churn"]["months_ago"])
    assert incidents["sales_dip"]["region"] not in {region[ref] for ref in erp.churned}
    assert not set(erp.churned) & set(erp.lost_customers)
    index = today.year * 12 + today.month - 1
    assert sorted(erp.churned.values()) == sorted(
        date((index - m) // 12, (index - m) % 12 + 1, 1) for m in incidents["churn"]["months_ago"]
    )
    for ref, day in erp.churned.items():
        dates = [o.date_order.date() for o in erp.orders if o.customer_ref == ref]
        assert dates and max(dates) < day  # ordered before leaving, never after


def test_sales_dip_trips_the_shipped_rule_on_any_date(dated):
    today, _farm, erp = dated
    dip = load_settings()["incidents"]["sales_dip"]
    region = {c.ref: c.region for c in erp.customers}
    assert erp.lost_customers and {region[ref] for ref in erp.lost_customers} == {dip["region"]}
    assert erp.lost_since.day == 1 and erp.lost_since <= today
    assert not [o for o in erp.orders if o.customer_ref in erp.lost_customers
                and o.date_order.date() >= erp.lost_since]  # fmt: skip
    price = {p.code: p.list_price for p in erp.products}
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    revenue = defaultdict(float)
    for order in erp.orders:
        if region[order.customer_ref] == dip["region"]:
            key = (order.date_order.year, order.date_order.month)
            revenue[key] += sum(line.quantity * price[line.product_code] for line in order.lines)
    before = revenue[(last_month.year - 1, last_month.month)]
    assert revenue[(last_month.year, last_month.month)] < REGION_REVENUE_DOWN * before
