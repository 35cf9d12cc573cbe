"""The scale generator's rows: deterministic by seed, internally consistent.

Loading into Odoo's tables is exercised by bench/bench_scale_generator.py on
a database with the suite installed; here the pure generators are checked,
and the binary COPY of sensor readings goes through a real scratch database.
"""

import datetime

import numpy as np
import pytest
from smart_dairy import db, quality, timeseries
from smart_dairy.scale import bulk, cli, farm, master, sales, sensors

START = np.datetime64("2024-01-01")
END = np.datetime64("2024-06-30")
STRICT = quality.GradeThresholds(
    premium_max_scc=150_000,
    premium_min_fat=4.0,
    premium_min_protein=3.3,
    grade_a_max_scc=300_000,
    grade_b_max_scc=500_000,
)


def _catalogue():
    return master.Catalogue(
        product_ids=np.arange(100, 100 + len(master.CATALOGUE)),
        uom_ids=np.array([1 if item[3] == "product_uom_unit" else 12 for item in master.CATALOGUE]),
        list_prices=np.array([item[4] for item in master.CATALOGUE]),
        qty_scales=np.array([item[6] for item in master.CATALOGUE], dtype=np.float64),
        labels=tuple(f"[{item[0]}] {item[1]}" for item in master.CATALOGUE),
    )


def _sales_plan(seed=7, lines=20_000):
    customers = 300
    return sales.SalesPlan(
        seed=seed,
        order_lines=lines,
        start=START,
        end=END,
        first_order_id=1000,
        first_line_id=5000,
        company_ids=np.array([1, 2]),
        currency_ids=np.array([1, 3]),
        warehouse_ids=np.array([1, 0]),
        tax_ids=np.array([4, 0]),
        tax_rates=np.array([15.0, 0.0]),
        catalogue=_catalogue(),
        customers=master.Customers(
            partner_ids=np.arange(10_000, 10_000 + customers),
            company_index=np.arange(customers) % 2,
            team_ids=50 + np.arange(customers) % 5,
            user_ids=70 + np.arange(customers) % 10,
        ),
        uid=2,
    )


def _sales_text(plan, batch_orders=sales.BATCH_ORDERS):
    return "".join(
        sales.render_orders(batch, plan.uid)
        + sales.render_lines(batch, plan.catalogue.labels, plan.uid)
        + sales.render_taxes(batch)
        for batch in sales.generate(plan, batch_orders)
    )


def _farm_plan(seed=7, animals=300, companies=(1, 2)):
    return farm.FarmPlan(
        seed=seed,
        animals=animals,
        start=START,
        end=END,
        company_ids=np.array(companies),
        region_ids=np.array([11, 12, 13]),
        thresholds=(quality.DEFAULT_THRESHOLDS, STRICT)[: len(companies)],
        feed_product_ids=(201, 202, 203, 204),
        feed_costs=tuple(item[2] for item in master.FEEDS),
        feed_kg_per_cow=tuple(item[3] for item in master.FEEDS),
        uid=2,
        first_farm_id=1,
        first_animal_id=1,
    )


def _all_milkings(plan):
    h = farm.herd(plan)
    batches = list(farm.generate_milkings(plan, h, first_id=1))
    return h, {key: np.concatenate([b[key] for b in batches]) for key in batches[0]}


def _sensor_plan(seed=7, readings=50_000):
    return sensors.SensorPlan(
        seed=seed,
        readings=readings,
        start=START,
        end=np.datetime64("2024-01-10"),
        farm_companies=np.array([1, 2, 1]),
        animal_companies=np.array([1, 2, 1] * 20),
        farm_capacity=np.array([7000.0, 3500.0, 7000.0]),
        farm_ids=np.array([11, 12, 13]),
        animal_ids=np.arange(101, 161),
        animal_farms=np.array([0, 1, 2] * 20),
    )


def test_sales_rows_are_identical_for_a_seed_and_differ_across_seeds():
    first = _sales_text(_sales_plan(seed=7))
    assert first == _sales_text(_sales_plan(seed=7))
    assert first != _sales_text(_sales_plan(seed=8))


def test_order_sizes_sum_exactly_to_the_lines_asked_for():
    for lines in (1, 9, 10, 11, 12_345):
        sizes = sales.order_sizes(3, lines)
        assert sizes.sum() == lines
        assert sizes.min() >= 1 and sizes.max() <= sales.MAX_LINES_PER_ORDER


def test_sales_lines_hold_odoo_invariants():
    plan = _sales_plan()
    batches = list(sales.generate(plan, batch_orders=700))
    lines = {key: np.concatenate([b.lines[key] for b in batches]) for key in batches[0].lines}
    orders = {key: np.concatenate([b.orders[key] for b in batches]) for key in batches[0].orders}
    qty, price, discount = lines["product_uom_qty"], lines["price_unit"], lines["discount"]
    assert len(lines["id"]) == plan.order_lines
    assert np.array_equal(lines["id"], np.arange(5000, 5000 + plan.order_lines))
    assert np.array_equal(orders["id"], np.arange(1000, 1000 + len(orders["id"])))
    # Odoo: price_subtotal = qty * price_unit * (1 - discount / 100), in currency rounding.
    assert np.all(np.abs(lines["price_subtotal"] - qty * price * (1 - discount / 100)) <= 0.005001)
    assert np.allclose(lines["price_total"], lines["price_subtotal"] + lines["price_tax"])
    assert (qty >= 1).all() and (price > 0).all()
    assert set(np.unique(discount)) <= set(sales.DISCOUNTS)
    assert (lines["qty_delivered"] <= qty).all()
    assert (lines["qty_invoiced"] <= lines["qty_delivered"]).all()
    assert np.allclose(lines["qty_to_invoice"], lines["qty_delivered"] - lines["qty_invoiced"])
    # Company 2 has no tax and no warehouse; company 1 charges 15 %.
    untaxed = lines["company_id"] == 2
    assert (lines["price_tax"][untaxed] == 0).all() and (lines["tax_id"][untaxed] == 0).all()
    taxed = ~untaxed
    raw = (qty * price * (1 - discount / 100))[taxed]
    assert np.all(np.abs(lines["price_tax"][taxed] - raw * 0.15) <= 0.005001)
    # Lines carry their order's company, customer and salesperson.
    position = np.searchsorted(orders["id"], lines["order_id"])
    assert np.array_equal(orders["id"][position], lines["order_id"])
    for line_key, order_key in (
        ("company_id", "company_id"),
        ("order_partner_id", "partner_id"),
        ("salesman_id", "user_id"),
    ):
        assert np.array_equal(lines[line_key], orders[order_key][position])
    # Customers of company 2 only ever buy from company 2.
    customer_company = dict(
        zip(
            plan.customers.partner_ids.tolist(),
            plan.company_ids[plan.customers.company_index].tolist(),
            strict=True,
        )
    )
    assert all(
        customer_company[p] == c
        for p, c in zip(orders["partner_id"].tolist(), orders["company_id"].tolist(), strict=True)
    )
    # Order totals are the sums of their lines.
    sums = np.bincount(position, weights=lines["price_subtotal"])
    assert np.allclose(orders["amount_untaxed"], sums, atol=0.011)
    # Orders are dated inside the period, oldest first.
    dates = orders["date_order"]
    assert dates.min() >= START.astype("datetime64[s]")
    assert dates.max() < (END + 1).astype("datetime64[s]")
    assert (np.diff(dates.astype(np.int64)) >= 0).all()


def test_rendered_sales_lines_match_the_copy_columns():
    plan = _sales_plan(lines=500)
    batch = next(sales.generate(plan))
    for text, columns in (
        (sales.render_orders(batch, 2), sales.ORDER_COLUMNS),
        (sales.render_lines(batch, plan.catalogue.labels, 2), sales.LINE_COLUMNS),
    ):
        rows = text.splitlines()
        assert rows and all(len(row.split("\t")) == len(columns) for row in rows)
    line = sales.render_lines(batch, plan.catalogue.labels, 2).splitlines()[0].split("\t")
    assert (
        float(line[sales.LINE_COLUMNS.index("price_subtotal")]) == batch.lines["price_subtotal"][0]
    )


def test_round_half_up_breaks_ties_away_from_zero_like_odoo():
    values = np.array([2.675, 11.925, -0.125, 0.0, 1.005, 32.064999, 1e6 + 0.005])
    assert bulk.round_half_up(values, 2).tolist() == [
        2.68,
        11.93,
        -0.13,
        0.0,
        1.01,
        32.06,
        1000000.01,
    ]


def test_grade_array_matches_the_quality_rule():
    rng = np.random.default_rng(1)
    scc = rng.integers(0, 1_000_000, 20_000)
    scc[:6] = [150_000, 200_000, 300_000, 400_000, 500_000, 750_000]  # on the bounds
    fat = np.round(rng.uniform(3.0, 5.0, 20_000), 2)
    protein = np.round(rng.uniform(2.8, 4.0, 20_000), 2)
    fat[:3] = [3.8, 4.0, 3.79]
    protein[:3] = [3.2, 3.3, 3.19]
    for thresholds in (quality.DEFAULT_THRESHOLDS, STRICT):
        expected = [
            quality.grade(int(s), float(f), float(p), thresholds)
            for s, f, p in zip(scc, fat, protein, strict=True)
        ]
        assert farm.grade_array(scc, fat, protein, thresholds).tolist() == expected


def test_grade_array_matches_the_quality_rule_without_lab_values():
    scc = np.array([0, np.nan, 150_000, 150_000, 150_000, 500_000, 0, 900_000, -1])
    fat = np.array([4.0, 4.0, 0, np.nan, 4.0, 0, 0, np.nan, 4.0])
    protein = np.array([3.4, 3.4, 3.4, 3.4, 0, 0, 0, np.nan, 3.4])
    for thresholds in (quality.DEFAULT_THRESHOLDS, STRICT):
        expected = [
            quality.grade(*(None if np.isnan(v) else float(v) for v in values), thresholds)
            for values in zip(scc, fat, protein, strict=True)
        ]
        assert farm.grade_array(scc, fat, protein, thresholds).tolist() == expected
    assert expected[:3] == [quality.UNGRADED, quality.UNGRADED, "a"]


def test_milkings_are_deterministic_and_graded_with_their_company_thresholds():
    plan = _farm_plan()
    h, rows = _all_milkings(plan)
    _h, again = _all_milkings(plan)
    for key in rows:
        assert np.array_equal(rows[key], again[key]), key
    _h, other = _all_milkings(_farm_plan(seed=8))
    assert not np.array_equal(rows["volume"][:1000], other["volume"][:1000])
    assert len(rows["id"]) == farm.milking_count(plan, h)
    for company_id, thresholds in zip(plan.company_ids.tolist(), plan.thresholds, strict=True):
        mine = rows["company_id"] == company_id
        assert mine.any()
        expected = [
            quality.grade(int(s), float(f), float(p), thresholds)
            for s, f, p in zip(
                rows["scc"][mine], rows["fat_pct"][mine], rows["protein_pct"][mine], strict=True
            )
        ]
        assert rows["quality_grade"][mine].tolist() == expected
    assert set(rows["quality_grade"].tolist()) == set(quality.GRADES)


def test_milkings_respect_the_herd_model():
    plan = _farm_plan()
    h, rows = _all_milkings(plan)
    assert rows["date"].min() >= START and rows["date"].max() <= END
    keys = set(
        zip(
            rows["animal_id"].tolist(),
            rows["date"].astype(str).tolist(),
            rows["session"].tolist(),
            strict=True,
        )
    )
    assert len(keys) == len(rows["id"])  # unique (animal, date, session)
    animal = rows["animal_id"] - plan.first_animal_id
    assert (rows["date"] < h.exit_day[animal]).all()  # nobody milked after leaving
    assert np.array_equal(rows["farm_id"], h.farm_ids[h.animal_farm[animal]])
    assert (rows["volume"] > 0).all() and (rows["scc"] > 0).all()
    animals = farm.animal_rows(plan, h)
    milked_last_day = set(rows["animal_id"][rows["date"] == END].tolist())
    lactating = set(animals["id"][animals["status"] == "lactating"].tolist())
    assert milked_last_day == lactating
    assert (animals["birth_date"] <= END).all()
    calved = animals["has_calved"]
    assert (animals["last_calving_date"][calved] >= animals["birth_date"][calved]).all()


def test_feed_rows_cover_every_farm_day_and_feed():
    plan = _farm_plan()
    h = farm.herd(plan)
    batches = list(farm.generate_feed(plan, h, first_id=1))
    ids = np.concatenate([b["id"] for b in batches])
    days = int((END - START) / np.timedelta64(1, "D")) + 1
    assert len(ids) == days * len(h.farm_ids) * len(plan.feed_product_ids)
    assert np.array_equal(ids, np.arange(1, len(ids) + 1))
    quantity = np.concatenate([b["quantity"] for b in batches])
    cost = np.concatenate([b["cost"] for b in batches])
    assert (quantity >= 0).all() and (cost >= 0).all()


def test_sensor_readings_are_exact_in_number_deterministic_and_in_range():
    plan = _sensor_plan()
    batches = list(sensors.generate(plan))
    assert sum(len(b["time_us"]) for b in batches) == plan.readings
    split = [
        b
        for low in range(sensors.block_count(plan, 1000))
        for b in sensors.generate(plan, [low], block_rows=1000)
    ]
    whole = list(sensors.generate(plan, block_rows=1000))
    assert b"".join(map(sensors.encode, split)) == b"".join(map(sensors.encode, whole))
    assert b"".join(map(sensors.encode, batches)) == b"".join(
        map(sensors.encode, sensors.generate(plan))
    )
    assert b"".join(map(sensors.encode, batches)) != b"".join(
        map(sensors.encode, sensors.generate(_sensor_plan(seed=8)))
    )
    times = np.concatenate([b["time_us"] for b in batches]).astype("datetime64[us]")
    assert times.min() >= START and times.max() < np.datetime64("2024-01-11")
    pairs = {(int(d), b["metric"]) for b in batches for d in np.unique(b["device_id"])}
    assert len(pairs) == len(sensors.series(plan).device_id)


def test_sensor_readings_round_trip_through_binary_copy(conn):
    plan = _sensor_plan(readings=5_000)
    timeseries.ensure_readings_schema(conn, plain=True)
    batches = list(sensors.generate(plan))
    with conn.cursor() as cur:
        days = np.arange(plan.start, plan.end + np.timedelta64(1, "D")).astype(object)
        timeseries.ensure_partitions(cur, timeseries.TABLE, days)
        bulk.copy_binary(
            cur,
            timeseries.TABLE,
            sensors.COLUMNS,
            map(sensors.encode, batches),
            schema=timeseries.SCHEMA,
        )
        cur.execute(
            "SELECT time, device_id, metric, value, company_id, farm_id, device_type, animal_id "
            "FROM smart_dairy_ts.reading"
        )
        stored = sorted(cur.fetchall(), key=str)
    epoch = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
    expected = sorted(
        (
            epoch + datetime.timedelta(microseconds=int(t)),
            int(d),
            b["metric"],
            float(v),
            int(c),
            int(f),
            b["device_type"],
            int(a) or None,
        )
        for b in batches
        for t, d, v, c, f, a in zip(
            b["time_us"],
            b["device_id"],
            b["value"],
            b["company_id"],
            b["farm_id"],
            b["animal_id"],
            strict=True,
        )
    )
    assert stored == sorted(expected, key=str)
    # collars name their animal and its farm; farm devices only their farm
    collars = [row for row in stored if row[6] == "collar"]
    assert collars and all(row[7] in range(101, 161) for row in collars)
    assert {row[5] for row in stored} == {11, 12, 13}


def test_sensor_load_defers_indexes_and_restores_them(scratch_dsn, monkeypatch):
    monkeypatch.setattr(sensors, "DEFER_INDEXES_MIN_ROWS", 1_000)
    plan = _sensor_plan(readings=20_000)
    report = bulk.LoadReport(out=open("/dev/null", "w"))  # noqa: SIM115
    kind = sensors.load(lambda: db.connect(scratch_dsn), plan, report, plain=True)
    conn = db.connect(scratch_dsn)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT count(*), count(DISTINCT device_id) FROM smart_dairy_ts.reading")
            assert cur.fetchone() == (20_000, len(set(sensors.series(plan).device_id.tolist())))
            cur.execute(
                "SELECT indexdef FROM pg_indexes WHERE schemaname = 'smart_dairy_ts' "
                "AND tablename = 'reading' ORDER BY 1"
            )
            assert [row[0] for row in cur.fetchall()] == [
                "CREATE INDEX reading_animal_id_metric_time_idx ON ONLY smart_dairy_ts.reading "
                'USING btree (animal_id, metric, "time")',
                "CREATE INDEX reading_device_id_time_idx ON ONLY smart_dairy_ts.reading "
                'USING btree (device_id, "time")',
                "CREATE INDEX reading_farm_id_device_type_time_idx ON ONLY smart_dairy_ts.reading "
                'USING btree (farm_id, device_type, "time")',
                "CREATE UNIQUE INDEX reading_device_id_metric_time_cover_key ON ONLY "
                'smart_dairy_ts.reading USING btree (device_id, metric, "time") '
                "INCLUDE (value, valid)",
            ]
            # rebuilt on the parent, the indexes reach every daily partition again
            cur.execute(
                """SELECT count(*) FROM pg_indexes WHERE schemaname = 'smart_dairy_ts'
                    AND tablename = 'reading_p20240105'"""
            )
            assert cur.fetchone()[0] == 4
    finally:
        conn.close()
    assert kind == "plain"
    assert report.tables["smart_dairy_ts.reading"][0] == 20_000


def test_cli_refuses_a_database_without_the_suite(scratch_dsn, capsys):
    code = cli.main(["--dsn", scratch_dsn, "--order-lines", "10"])
    assert code == 2
    assert "not an Odoo database" in capsys.readouterr().err


def test_cli_rejects_unknown_domains():
    with pytest.raises(SystemExit):
        cli.parser().parse_args(["--dsn", "x", "--only", "sales,cows"])
    assert cli.parser().parse_args(["--dsn", "x", "--only", "farm,sensors"]).only == (
        "farm",
        "sensors",
    )
