"""Raw sensor readings for ``smart_dairy_ts.reading``, loaded with binary COPY.

Each farm has a milk tank device (temperature, level) and a barn device
(temperature, humidity); each animal wears a collar (activity, rumination).
Rows carry the farm, the device type and, for collars, the animal.
Every series reports at a regular interval chosen so the plan yields exactly
the number of readings asked for. Device ids are synthetic (``first_device_id``
onwards, farms first): the readings table has no device registry to point to.
"""

import datetime
import itertools
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from psycopg2 import sql
from smart_dairy import db, timeseries
from smart_dairy.iot import aggregates
from smart_dairy.scale import bulk

BLOCK_ROWS = 1_000_000
WORKERS = 2
DEFER_INDEXES_MIN_ROWS = 1_000_000
COLUMNS = (*timeseries.COLUMNS, "farm_id", "device_type", "animal_id")
DEVICE_TYPES = {"tank": "temp_sensor", "barn": "humidity_sensor", "collar": "collar"}
FARM_METRICS = (
    ("tank", "tank_temp_c"),
    ("tank", "tank_level_l"),
    ("barn", "barn_temp_c"),
    ("barn", "humidity_pct"),
)
COLLAR_METRICS = ("activity", "rumination_min")
METRICS = tuple(metric for _, metric in FARM_METRICS) + COLLAR_METRICS
NOISE = {
    "tank_temp_c": 0.25,
    "tank_level_l": 0.03,
    "barn_temp_c": 1.0,
    "humidity_pct": 3.0,
    "activity": 12.0,
    "rumination_min": 4.0,
}


@dataclass(frozen=True)
class SensorPlan:
    seed: int
    readings: int
    start: np.datetime64  # first day, datetime64[D]
    end: np.datetime64  # last day (inclusive), datetime64[D]
    farm_companies: np.ndarray  # company id per farm
    animal_companies: np.ndarray  # company id per animal
    farm_capacity: np.ndarray  # litres per farm, scales the tank level
    first_device_id: int = 1
    farm_ids: np.ndarray | None = None  # default 1..n
    animal_ids: np.ndarray | None = None  # default 1..n
    animal_farms: np.ndarray | None = None  # farm index per animal; default none


@dataclass(frozen=True)
class Series:
    device_id: np.ndarray
    metric: np.ndarray  # index into METRICS
    company_id: np.ndarray
    scale: np.ndarray  # capacity for tank levels, 1 otherwise
    count: np.ndarray  # readings of the series
    farm_id: np.ndarray  # 0 when unknown
    animal_id: np.ndarray  # 0 for farm devices
    device_type: np.ndarray  # index into DEVICE_TYPES
    interval_us: np.ndarray
    phase_us: np.ndarray


def series(plan):
    """The (device, metric) series of the plan and how often each one reports."""
    n_farms, n_animals = len(plan.farm_companies), len(plan.animal_companies)
    farm_ids = plan.farm_ids if plan.farm_ids is not None else np.arange(1, n_farms + 1)
    animal_ids = plan.animal_ids if plan.animal_ids is not None else np.arange(1, n_animals + 1)
    animal_farm_ids = (
        farm_ids[plan.animal_farms] if plan.animal_farms is not None else np.zeros(n_animals)
    )
    farm_device = {"tank": 0, "barn": 1}
    types = list(DEVICE_TYPES)
    device, metric, company, scale, farm, animal, kind_of = [], [], [], [], [], [], []
    for kind, name in FARM_METRICS:
        device.append(plan.first_device_id + 2 * np.arange(n_farms) + farm_device[kind])
        metric.append(np.full(n_farms, METRICS.index(name)))
        company.append(plan.farm_companies)
        scale.append(plan.farm_capacity if name == "tank_level_l" else np.ones(n_farms))
        farm.append(farm_ids)
        animal.append(np.zeros(n_farms))
        kind_of.append(np.full(n_farms, types.index(kind)))
    for name in COLLAR_METRICS:
        device.append(plan.first_device_id + 2 * n_farms + np.arange(n_animals))
        metric.append(np.full(n_animals, METRICS.index(name)))
        company.append(plan.animal_companies)
        scale.append(np.ones(n_animals))
        farm.append(animal_farm_ids)
        animal.append(animal_ids)
        kind_of.append(np.full(n_animals, types.index("collar")))
    device = np.concatenate(device).astype(np.int64)
    n_series = len(device)
    count = np.full(n_series, plan.readings // n_series, dtype=np.int64)
    count[: plan.readings % n_series] += 1
    span_us = int((plan.end - plan.start + np.timedelta64(1, "D")) / np.timedelta64(1, "us"))
    interval = np.maximum(span_us // np.maximum(count, 1), 1)
    rng = np.random.default_rng([plan.seed, 7])
    phase = (rng.random(n_series) * interval).astype(np.int64)
    return Series(
        device,
        np.concatenate(metric),
        np.concatenate(company).astype(np.int64),
        np.concatenate(scale).astype(np.float64),
        count,
        np.concatenate(farm).astype(np.int64),
        np.concatenate(animal).astype(np.int64),
        np.concatenate(kind_of).astype(np.int64),
        interval,
        phase,
    )


def _values(metric, when_us, scale, rng):
    """Plausible values of one metric at times given in microseconds since the epoch."""
    hours = when_us / 3.6e9
    day = 2 * np.pi * hours / 24.0
    year = 2 * np.pi * hours / (24.0 * 365.25)
    noise = rng.normal(0.0, NOISE[metric], size=when_us.shape)
    if metric == "tank_temp_c":
        value = 4.0 + 0.6 * np.maximum(np.sin(day * 2), 0) + noise
    elif metric == "tank_level_l":
        value = scale * (np.mod(hours, 24.0) / 24.0) * (1 + noise)
    elif metric == "barn_temp_c":
        value = 13.0 - 9.0 * np.cos(year) - 4.0 * np.cos(day) + noise
    elif metric == "humidity_pct":
        value = np.clip(68.0 + 12.0 * np.cos(day) + noise, 20.0, 100.0)
    elif metric == "activity":
        value = 90.0 + 55.0 * np.sin(day - 1.0) + noise
    else:  # rumination minutes per hour
        value = np.clip(28.0 - 8.0 * np.sin(day - 1.0) + noise, 0.0, 60.0)
    return np.round(np.maximum(value, 0.0), 3)


def block_count(plan, block_rows=BLOCK_ROWS):
    """Number of time blocks :func:`generate` cuts the plan into."""
    s = series(plan)
    steps = max(1, block_rows // max(len(s.device_id), 1))
    longest = int(s.count.max()) if len(s.device_id) else 0
    return -(-longest // steps)


def generate(plan, blocks=None, block_rows=BLOCK_ROWS):
    """Yield readings as dicts of arrays (one metric each), block after block of time.

    ``blocks`` (a range) restricts the output to some blocks; each block draws
    its noise from its own seeded stream, so any split gives the same rows.
    """
    s = series(plan)
    start_us = (plan.start.astype("datetime64[us]") - np.datetime64(0, "us")).astype(np.int64)
    n_series = len(s.device_id)
    steps = max(1, block_rows // max(n_series, 1))
    groups = [np.flatnonzero(s.metric == m) for m in range(len(METRICS))]
    longest = int(s.count.max()) if n_series else 0
    for block in blocks if blocks is not None else range(-(-longest // steps)):
        rng = np.random.default_rng([plan.seed, 8, block])
        first_step = block * steps
        k = np.arange(first_step, min(first_step + steps, longest))[:, None]
        for metric_index, members in enumerate(groups):
            if not len(members):
                continue
            present = k < s.count[members][None, :]
            when = (start_us + s.phase_us[members][None, :] + k * s.interval_us[members])[present]
            if not len(when):
                continue
            cols = np.broadcast_to(members[None, :], present.shape)[present]
            name = METRICS[metric_index]
            yield {
                "time_us": when,
                "device_id": s.device_id[cols],
                "metric": name,
                "value": _values(name, when, s.scale[cols], rng),
                "company_id": s.company_id[cols],
                "farm_id": s.farm_id[cols],
                "device_type": list(DEVICE_TYPES.values())[s.device_type[members[0]]],
                "animal_id": s.animal_id[cols],
            }


def encode(batch):
    """PostgreSQL binary COPY tuples of a batch (one metric), without header.

    Columns as :data:`COLUMNS`; a zero farm or animal id is written as NULL.
    """
    metric = batch["metric"].encode()
    device_type = batch["device_type"].encode()
    farm_null = not batch["farm_id"].any()
    animal_null = not batch["animal_id"].any()
    dtype = np.dtype(
        [
            ("fields", ">i2"),
            ("time_len", ">i4"),
            ("time", ">i8"),
            ("device_len", ">i4"),
            ("device", ">i4"),
            ("metric_len", ">i4"),
            ("metric", f"S{len(metric)}"),
            ("value_len", ">i4"),
            ("value", ">f8"),
            ("company_len", ">i4"),
            ("company", ">i4"),
            ("farm_len", ">i4"),
            *([] if farm_null else [("farm", ">i4")]),
            ("type_len", ">i4"),
            ("type", f"S{len(device_type)}"),
            ("animal_len", ">i4"),
            *([] if animal_null else [("animal", ">i4")]),
        ]
    )
    out = np.empty(len(batch["time_us"]), dtype=dtype)
    out["fields"] = len(COLUMNS)
    out["time_len"] = 8
    out["time"] = batch["time_us"] - bulk.PG_EPOCH_US.astype(np.int64)
    out["device_len"] = 4
    out["device"] = batch["device_id"]
    out["metric_len"] = len(metric)
    out["metric"] = metric
    out["value_len"] = 8
    out["value"] = batch["value"]
    out["company_len"] = 4
    out["company"] = batch["company_id"]
    out["farm_len"] = -1 if farm_null else 4
    if not farm_null:
        out["farm"] = batch["farm_id"]
    out["type_len"] = len(device_type)
    out["type"] = device_type
    out["animal_len"] = -1 if animal_null else 4
    if not animal_null:
        out["animal"] = batch["animal_id"]
    return out.tobytes()


def load(connect, plan, report, plain=False, workers=WORKERS):
    """COPY the plan's readings with ``workers`` connections in parallel.

    ``connect`` opens a new connection to the target database. Each worker
    loads a contiguous range of time blocks and commits after every block (one
    COPY each): a chunk a worker creates must be committed before another
    worker can write into it. Returns the kind of readings table.
    """
    conn = connect()
    try:
        kind = timeseries.ensure_readings_schema(conn, plain=plain)
        conn.commit()
    finally:
        conn.close()
    report.progress(f"readings table smart_dairy_ts.reading is a {kind} table")
    if kind == "plain":
        conn = connect()
        try:
            with conn.cursor() as cur:
                days = np.arange(plan.start, plan.end + np.timedelta64(1, "D"))
                timeseries.ensure_partitions(cur, timeseries.TABLE, days.astype(object))
            conn.commit()
        finally:
            conn.close()
    deferred = _drop_indexes(connect, plan.readings)
    if deferred:
        report.progress(f"index maintenance deferred: dropped {len(deferred)} index(es)")
    total = block_count(plan)
    bounds = np.linspace(0, total, max(1, workers) + 1).astype(int)
    lock = threading.Lock()
    state = {"rows": 0, "next": 2_000_000, "started": time.perf_counter()}

    def count(rows):
        with lock:
            state["rows"] += rows
            if state["rows"] >= state["next"]:
                state["next"] += 2_000_000
                elapsed = time.perf_counter() - state["started"]
                report.progress(
                    f"readings {state['rows']:,} of {plan.readings:,} "
                    f"({state['rows'] / max(elapsed, 1e-9):,.0f} rows/s)"
                )

    def work(blocks):
        conn = connect()
        try:
            with conn.cursor() as cur:
                cur.execute("SET synchronous_commit = off")
                for block in blocks:
                    rows = [0]

                    def chunks(block=block, rows=rows):
                        for batch in generate(plan, [block]):
                            rows[0] += len(batch["time_us"])
                            yield encode(batch)

                    bulk.copy_binary(
                        cur,
                        timeseries.TABLE,
                        COLUMNS,
                        chunks(),
                        schema=timeseries.SCHEMA,
                    )
                    conn.commit()
                    count(rows[0])
        finally:
            conn.close()

    with report.timed("smart_dairy_ts.reading") as timer:
        with ThreadPoolExecutor(len(bounds) - 1) as pool:
            futures = [
                pool.submit(work, range(low, high)) for low, high in itertools.pairwise(bounds)
            ]
            for future in futures:
                future.result()
        timer.rows = state["rows"]
    if kind == "plain":
        _invalidate_rollups(connect, plan)
    if deferred:
        with report.timed("smart_dairy_ts.reading (indexes)") as timer:
            conn = connect()
            try:
                with conn.cursor() as cur:
                    for definition in deferred:
                        cur.execute(definition)
                conn.commit()
            finally:
                conn.close()
    return kind


def _invalidate_rollups(connect, plan):
    """Tell the plain rollups (when the sensor store exists) that the plan's days changed."""
    conn = connect()
    try:
        with conn.cursor() as cur:
            if db.table_exists(cur, aggregates.DIRTY, schema=timeseries.SCHEMA):
                utc = datetime.timezone.utc
                start = datetime.datetime.combine(plan.start.astype(object), datetime.time(), utc)
                end = start + datetime.timedelta(
                    days=int((plan.end - plan.start) / np.timedelta64(1, "D")) + 1
                )
                aggregates.invalidate(cur, timeseries.TABLE, start, end)
        conn.commit()
    finally:
        conn.close()


def _drop_indexes(connect, readings):
    """Drop the readings indexes before a load at least as big as the table.

    Building an index once after the load is much cheaper than maintaining it
    row by row. Returns the definitions to run afterwards (PostgreSQL's own
    ``pg_indexes.indexdef`` text).
    """
    if readings < DEFER_INDEXES_MIN_ROWS:
        return []
    conn = connect()
    try:
        with conn.cursor() as cur:
            if timeseries.is_hypertable(conn):
                cur.execute(
                    "SELECT approximate_row_count(%s::regclass)",
                    [f"{timeseries.SCHEMA}.{timeseries.TABLE}"],
                )
            else:
                cur.execute(
                    "SELECT reltuples FROM pg_class WHERE oid = %s::regclass",
                    [f"{timeseries.SCHEMA}.{timeseries.TABLE}"],
                )
            if max(cur.fetchone()[0], 0) > readings:
                return []
            cur.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = %s "
                "AND tablename = %s",
                [timeseries.SCHEMA, timeseries.TABLE],
            )
            indexes = cur.fetchall()
            for name, _definition in indexes:
                cur.execute(
                    sql.SQL("DROP INDEX {}").format(sql.Identifier(timeseries.SCHEMA, name))
                )
        conn.commit()
    finally:
        conn.close()
    # a partitioned table's indexes read "ON ONLY"; rebuilt, they must reach every partition
    return [definition.replace(" ON ONLY ", " ON ", 1) for _name, definition in indexes]
