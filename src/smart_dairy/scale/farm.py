"""Farms, animals, two sessions (or three) of milkings a day, and daily feed.

Animals follow a simple herd model: first calving near two years of age, one
calving a year or so, 305-day lactations, a few animals sold or dead during the
period. Milk volume follows Wood's lactation curve; fat and protein depend on
the breed; the cell count has an animal baseline and mastitis episodes. The
grade of each milking is computed in bulk by :func:`grade_array`, which follows
:func:`smart_dairy.quality.grade` exactly (the tests compare both).

Everything here but :func:`load` is pure and seeded.
"""

import time
from dataclasses import dataclass

import numpy as np
from smart_dairy import quality
from smart_dairy.scale import bulk

ANIMALS_PER_FARM = 200
THREE_SESSION_SHARE = 0.2
DAY = np.timedelta64(1, "D")
BREEDS = ("holstein", "jersey", "brown_swiss", "guernsey", "ayrshire", "crossbred")
BREED_WEIGHTS = np.array([0.55, 0.15, 0.08, 0.05, 0.05, 0.12])
BREED_PEAK_L = np.array([38.0, 26.0, 32.0, 27.0, 30.0, 31.0])
BREED_FAT = np.array([3.70, 4.85, 4.00, 4.60, 3.95, 3.95])
BREED_PROTEIN = np.array([3.10, 3.75, 3.45, 3.55, 3.30, 3.30])
LACTATION_DAYS = 305
SESSION_SHARES = {
    2: (("morning", 0.55), ("evening", 0.45)),
    3: (("morning", 0.40), ("midday", 0.30), ("evening", 0.30)),
}
MASTITIS_DAILY_RISK = 0.0015
MASTITIS_DAYS = 8
PROGRESS_ROWS = 500_000

FARM_COLUMNS = (
    "id",
    "name",
    "code",
    "company_id",
    "region_id",
    "location",
    "latitude",
    "longitude",
    "daily_capacity",
    "manager_id",
    "active",
    "color",
    "create_uid",
    "write_uid",
    "create_date",
    "write_date",
)
ANIMAL_COLUMNS = (
    "id",
    "ear_tag",
    "name",
    "breed",
    "birth_date",
    "lactation_number",
    "last_calving_date",
    "status",
    "farm_id",
    "company_id",
    "active",
    "create_uid",
    "write_uid",
    "create_date",
    "write_date",
)
MILKING_COLUMNS = (
    "id",
    "animal_id",
    "farm_id",
    "company_id",
    "date",
    "session",
    "volume",
    "fat_pct",
    "protein_pct",
    "scc",
    "quality_grade",
    "create_uid",
    "write_uid",
    "create_date",
    "write_date",
)
FEED_COLUMNS = (
    "id",
    "farm_id",
    "company_id",
    "date",
    "product_id",
    "quantity",
    "cost",
    "create_uid",
    "write_uid",
    "create_date",
    "write_date",
)


def grade_array(scc, fat_pct, protein_pct, thresholds):
    """Vectorised :func:`smart_dairy.quality.grade` over arrays of one company
    (a value not measured is 0 or NaN)."""
    scc, fat_pct, protein_pct = (
        np.nan_to_num(np.asarray(values, dtype=float)) for values in (scc, fat_pct, protein_pct)
    )
    premium = (
        (scc <= thresholds.premium_max_scc)
        & (fat_pct > 0)
        & (protein_pct > 0)
        & (fat_pct >= thresholds.premium_min_fat)
        & (protein_pct >= thresholds.premium_min_protein)
    )
    return np.select(
        [
            scc <= 0,
            premium,
            scc <= thresholds.grade_a_max_scc,
            scc <= thresholds.grade_b_max_scc,
        ],
        [quality.UNGRADED, quality.PREMIUM, quality.GRADE_A, quality.GRADE_B],
        default=quality.REJECTED,
    )


@dataclass(frozen=True)
class FarmPlan:
    """Everything the farm generators need; the same plan yields the same rows."""

    seed: int
    animals: int
    start: np.datetime64  # first day, datetime64[D]
    end: np.datetime64  # last day (inclusive), datetime64[D]
    company_ids: np.ndarray
    region_ids: np.ndarray
    thresholds: tuple  # GradeThresholds per company, same order as company_ids
    feed_product_ids: tuple
    feed_costs: tuple  # cost per kg, same order
    feed_kg_per_cow: tuple
    uid: int
    first_farm_id: int = 1
    first_animal_id: int = 1


@dataclass(frozen=True)
class Herd:
    """Farms and animals of a plan, as column arrays."""

    farm_ids: np.ndarray
    farm_company: np.ndarray  # company index per farm
    farm_sessions: np.ndarray  # milkings per day per farm
    animal_ids: np.ndarray
    animal_farm: np.ndarray  # farm index per animal
    breed: np.ndarray  # index into BREEDS
    birth: np.ndarray  # datetime64[D]
    first_calving: np.ndarray  # datetime64[D]
    calving_interval: np.ndarray  # days
    exit_day: np.ndarray  # datetime64[D]; after the period when the animal stays
    exit_status: np.ndarray  # "sold", "dead" or ""
    yield_factor: np.ndarray
    scc_base: np.ndarray


def farm_count(plan):
    return max(len(plan.company_ids), -(-plan.animals // ANIMALS_PER_FARM))


def herd(plan):
    """Draw the farms and animals of the plan."""
    rng = np.random.default_rng([plan.seed, 3])
    n_farms = farm_count(plan)
    n = plan.animals
    farm_ids = plan.first_farm_id + np.arange(n_farms)
    farm_company = np.arange(n_farms) % len(plan.company_ids)
    farm_sessions = np.where(rng.random(n_farms) < THREE_SESSION_SHARE, 3, 2)
    animal_farm = np.arange(n) % n_farms
    breed = rng.choice(len(BREEDS), size=n, p=BREED_WEIGHTS)
    period_days = int((plan.end - plan.start) / DAY) + 1
    # Ages on the first day; the youngest are born during the period.
    age_days = rng.integers(-min(365, period_days - 1), 8 * 365, size=n)
    birth = plan.start - age_days * DAY
    first_calving = birth + rng.integers(680, 800, size=n) * DAY
    calving_interval = rng.integers(360, 430, size=n)
    leaves = rng.random(n)
    exit_status = np.where(leaves < 0.03, "sold", np.where(leaves < 0.05, "dead", ""))
    exit_offset = rng.integers(0, period_days, size=n)
    exit_day = np.where(exit_status != "", plan.start + exit_offset * DAY, plan.end + DAY)
    return Herd(
        farm_ids=farm_ids,
        farm_company=farm_company,
        farm_sessions=farm_sessions,
        animal_ids=plan.first_animal_id + np.arange(n),
        animal_farm=animal_farm,
        breed=breed,
        birth=birth,
        first_calving=first_calving,
        calving_interval=calving_interval,
        exit_day=exit_day,
        exit_status=exit_status,
        yield_factor=rng.lognormal(0.0, 0.12, size=n),
        scc_base=rng.lognormal(np.log(110_000), 0.55, size=n),
    )


def days_in_milk(h, day):
    """Days since the last calving on ``day`` (-1 before the first), and calvings so far."""
    since_first = ((day - h.first_calving) / DAY).astype(np.int64)
    calved = since_first >= 0
    calvings = np.where(calved, since_first // h.calving_interval + 1, 0)
    dim = np.where(calved, since_first % h.calving_interval, -1)
    return dim, calvings


def milked_on(h, day):
    dim, _ = days_in_milk(h, day)
    return (dim >= 0) & (dim < LACTATION_DAYS) & (day < h.exit_day)


def animal_rows(plan, h):
    """Column arrays of the animals as they stand on the last day of the period."""
    last = np.minimum(h.exit_day - DAY, plan.end)
    dim, calvings = days_in_milk(h, last)
    status = np.where(
        h.exit_status != "",
        h.exit_status,
        np.where(calvings == 0, "heifer", np.where(dim < LACTATION_DAYS, "lactating", "dry")),
    )
    last_calving = np.where(calvings > 0, last - np.maximum(dim, 0) * DAY, last)
    return {
        "id": h.animal_ids,
        "farm_id": h.farm_ids[h.animal_farm],
        "company_id": plan.company_ids[h.farm_company[h.animal_farm]],
        "breed": np.array(BREEDS)[h.breed],
        "birth_date": h.birth,
        "lactation_number": calvings,
        "last_calving_date": last_calving,
        "has_calved": calvings > 0,
        "status": status,
    }


def milking_count(plan, h):
    """Number of milking rows the plan yields (for reserving ids)."""
    sessions = h.farm_sessions[h.animal_farm]
    total, day = 0, plan.start
    while day <= plan.end:
        total += int(sessions[milked_on(h, day)].sum())
        day += DAY
    return total


def generate_milkings(plan, h, first_id=1, days_per_batch=7):
    """Yield dicts of milking columns, a few days at a time, in date order."""
    rng = np.random.default_rng([plan.seed, 4])
    n = len(h.animal_ids)
    mastitis_left = np.zeros(n, dtype=np.int64)
    sessions_of_animal = h.farm_sessions[h.animal_farm]
    company_of_animal = h.farm_company[h.animal_farm]
    next_id = first_id
    day = plan.start
    while day <= plan.end:
        parts = []
        for _ in range(days_per_batch):
            if day > plan.end:
                break
            dim, _calvings = days_in_milk(h, day)
            started = rng.random(n) < MASTITIS_DAILY_RISK
            mastitis_left = np.where(started & (mastitis_left == 0), MASTITIS_DAYS, mastitis_left)
            milked = (dim >= 0) & (dim < LACTATION_DAYS) & (day < h.exit_day)
            for count in (2, 3):
                for session, share in SESSION_SHARES[count]:
                    idx = np.flatnonzero(milked & (sessions_of_animal == count))
                    if len(idx):
                        parts.append(
                            _session(
                                rng,
                                h,
                                idx,
                                day,
                                session,
                                share,
                                dim[idx],
                                mastitis_left[idx] > 0,
                                company_of_animal[idx],
                            )
                        )
            mastitis_left = np.maximum(mastitis_left - 1, 0)
            day += DAY
        if not parts:
            continue
        batch = {key: np.concatenate([part[key] for part in parts]) for key in parts[0]}
        size = len(batch["animal"])
        batch["id"] = next_id + np.arange(size)
        next_id += size
        grades = np.empty(size, dtype=object)
        for company_index, thresholds in enumerate(plan.thresholds):
            mine = batch["company"] == company_index
            grades[mine] = grade_array(
                batch["scc"][mine],
                batch["fat_pct"][mine],
                batch["protein_pct"][mine],
                thresholds,
            )
        batch["quality_grade"] = grades
        batch["animal_id"] = h.animal_ids[batch["animal"]]
        batch["farm_id"] = h.farm_ids[h.animal_farm[batch["animal"]]]
        batch["company_id"] = plan.company_ids[batch["company"]]
        yield batch


def _session(rng, h, idx, day, session, share, dim, mastitis, company):
    size = len(idx)
    t = dim + 1.0
    wood = t**0.2 * np.exp(-0.004 * t) / (50**0.2 * np.exp(-0.2))  # 1.0 at the peak (day 50)
    volume = BREED_PEAK_L[h.breed[idx]] * h.yield_factor[idx] * wood * share
    volume = np.round(volume * rng.lognormal(0.0, 0.08, size=size), 2)
    stage = np.abs(dim - 150) / 150.0  # solids are higher early and late in lactation
    fat = np.round(BREED_FAT[h.breed[idx]] + 0.25 * stage + rng.normal(0, 0.15, size), 2)
    protein = np.round(BREED_PROTEIN[h.breed[idx]] + 0.15 * stage + rng.normal(0, 0.08, size), 2)
    scc = h.scc_base[idx] * rng.lognormal(0.0, 0.25, size=size) * np.where(mastitis, 8.0, 1.0)
    return {
        "animal": idx,
        "company": company,
        "date": np.full(size, day),
        "session": np.full(size, session),
        "volume": np.maximum(volume, 0.1),
        "fat_pct": np.clip(fat, 2.0, 7.5),
        "protein_pct": np.clip(protein, 2.2, 5.0),
        "scc": np.round(scc).astype(np.int64),
    }


def generate_feed(plan, h, first_id=1):
    """Yield one dict of feed columns per 30 days: each farm, each day, each feed."""
    rng = np.random.default_rng([plan.seed, 5])
    n_farms = len(h.farm_ids)
    n_feeds = len(plan.feed_product_ids)
    kg = np.array(plan.feed_kg_per_cow)
    cost = np.array(plan.feed_costs)
    next_id = first_id
    day = plan.start
    while day <= plan.end:
        rows = {key: [] for key in ("farm", "date", "feed", "quantity", "cost")}
        for _ in range(30):
            if day > plan.end:
                break
            present = day < h.exit_day
            dim, _calvings = days_in_milk(h, day)
            milking = (dim >= 0) & (dim < LACTATION_DAYS) & present
            others = present & ~milking
            cows = np.bincount(h.animal_farm[milking], minlength=n_farms) + 0.5 * np.bincount(
                h.animal_farm[others], minlength=n_farms
            )
            years = (day - plan.start) / np.timedelta64(365, "D")
            quantity = np.round(
                cows[:, None] * kg[None, :] * rng.lognormal(0, 0.05, (n_farms, n_feeds)), 2
            )
            rows["farm"].append(np.repeat(np.arange(n_farms), n_feeds))
            rows["date"].append(np.full(n_farms * n_feeds, day))
            rows["feed"].append(np.tile(np.arange(n_feeds), n_farms))
            rows["quantity"].append(quantity.ravel())
            rows["cost"].append(np.round(quantity * cost[None, :] * (1 + 0.04 * years), 2).ravel())
            day += DAY
        batch = {key: np.concatenate(values) for key, values in rows.items()}
        size = len(batch["farm"])
        batch["id"] = next_id + np.arange(size)
        next_id += size
        batch["farm_id"] = h.farm_ids[batch["farm"]]
        batch["company_id"] = plan.company_ids[h.farm_company[batch["farm"]]]
        batch["product_id"] = np.array(plan.feed_product_ids)[batch["feed"]]
        yield batch


def render_farms(plan, h, stamp):
    rng = np.random.default_rng([plan.seed, 6])
    n = len(h.farm_ids)
    lat = np.round(rng.uniform(-40.0, 55.0, n), 6).tolist()
    lon = np.round(rng.uniform(-10.0, 150.0, n), 6).tolist()
    herd_sizes = np.bincount(h.animal_farm, minlength=n)
    rows = []
    for k in range(n):
        farm_id = int(h.farm_ids[k])
        rows.append(
            f"{farm_id}\tScale Farm {farm_id}\tSDS-{farm_id}\t"
            f"{plan.company_ids[h.farm_company[k]]}\t{plan.region_ids[k % len(plan.region_ids)]}"
            f"\tScale Valley {k + 1}\t{lat[k]!r}\t{lon[k]!r}\t{float(herd_sizes[k] * 35)!r}"
            f"\t{plan.uid}\tt\t{k % 12}\t{plan.uid}\t{plan.uid}\t{stamp}\t{stamp}\n"
        )
    return "".join(rows)


def render_animals(plan, h, stamp):
    a = animal_rows(plan, h)
    last_calving = [
        date if calved else bulk.NULL
        for date, calved in zip(
            bulk.iso_dates(a["last_calving_date"]), a["has_calved"].tolist(), strict=True
        )
    ]
    fmt = (
        "%d\tSDS-%07d\tCow %d\t%s\t%s\t%d\t%s\t%s\t%d\t%d\tt"
        f"\t{plan.uid}\t{plan.uid}\t{stamp}\t{stamp}\n"
    )
    ids = a["id"].tolist()
    return bulk.render_lines(
        fmt,
        [
            ids,
            ids,
            ids,
            a["breed"].tolist(),
            bulk.iso_dates(a["birth_date"]),
            a["lactation_number"].tolist(),
            last_calving,
            a["status"].tolist(),
            a["farm_id"].tolist(),
            a["company_id"].tolist(),
        ],
    )


def render_milkings(batch, uid):
    dates = bulk.iso_dates(batch["date"])
    fmt = f"%d\t%d\t%d\t%d\t%s\t%s\t%r\t%r\t%r\t%d\t%s\t{uid}\t{uid}\t%s\t%s\n"
    stamps = [f"{date} 12:00:00" for date in dates]
    return bulk.render_lines(
        fmt,
        [
            batch["id"].tolist(),
            batch["animal_id"].tolist(),
            batch["farm_id"].tolist(),
            batch["company_id"].tolist(),
            dates,
            batch["session"].tolist(),
            batch["volume"].tolist(),
            batch["fat_pct"].tolist(),
            batch["protein_pct"].tolist(),
            batch["scc"].tolist(),
            batch["quality_grade"].tolist(),
            stamps,
            stamps,
        ],
    )


def render_feed(batch, uid):
    dates = bulk.iso_dates(batch["date"])
    stamps = [f"{date} 18:00:00" for date in dates]
    return bulk.render_lines(
        f"%d\t%d\t%d\t%s\t%d\t%r\t%r\t{uid}\t{uid}\t%s\t%s\n",
        [
            batch["id"].tolist(),
            batch["farm_id"].tolist(),
            batch["company_id"].tolist(),
            dates,
            batch["product_id"].tolist(),
            batch["quantity"].tolist(),
            batch["cost"].tolist(),
            stamps,
            stamps,
        ],
    )


def load(cur, plan_args, report, stamp):
    """Generate and COPY farms, animals, milkings and feed; return the plan and herd."""
    n_farms = max(len(plan_args["company_ids"]), -(-plan_args["animals"] // ANIMALS_PER_FARM))
    plan = FarmPlan(
        first_farm_id=bulk.reserve_ids(cur, "smart_dairy_farm", n_farms),
        first_animal_id=bulk.reserve_ids(cur, "smart_dairy_animal", plan_args["animals"]),
        **plan_args,
    )
    h = herd(plan)
    with report.timed("smart_dairy_farm") as timer:
        bulk.copy_text(cur, "smart_dairy_farm", FARM_COLUMNS, [render_farms(plan, h, stamp)])
        timer.rows = len(h.farm_ids)
    with report.timed("smart_dairy_animal") as timer:
        bulk.copy_text(cur, "smart_dairy_animal", ANIMAL_COLUMNS, [render_animals(plan, h, stamp)])
        timer.rows = len(h.animal_ids)
    cur.execute(
        """UPDATE smart_dairy_farm f SET herd_size = (
               SELECT COUNT(*) FROM smart_dairy_animal a
                WHERE a.farm_id = f.id AND a.active
                  AND a.status IN ('lactating', 'dry', 'heifer'))
            WHERE f.id = ANY(%s)""",
        [h.farm_ids.tolist()],
    )
    started = time.perf_counter()
    expected = milking_count(plan, h)
    first = bulk.reserve_ids(cur, "smart_dairy_milking", expected)
    with report.timed("smart_dairy_milking") as timer:
        for batch in generate_milkings(plan, h, first):
            bulk.copy_text(
                cur, "smart_dairy_milking", MILKING_COLUMNS, [render_milkings(batch, plan.uid)]
            )
            shown = timer.rows // PROGRESS_ROWS
            timer.rows += len(batch["id"])
            if timer.rows // PROGRESS_ROWS > shown or timer.rows == expected:
                report.progress(
                    f"milkings {timer.rows:,} of {expected:,} "
                    f"({time.perf_counter() - started:.0f} s)"
                )
    feed_days = int((plan.end - plan.start) / DAY) + 1
    first = bulk.reserve_ids(
        cur, "smart_dairy_feed", feed_days * len(h.farm_ids) * len(plan.feed_product_ids)
    )
    with report.timed("smart_dairy_feed") as timer:
        for batch in generate_feed(plan, h, first):
            bulk.copy_text(cur, "smart_dairy_feed", FEED_COLUMNS, [render_feed(batch, plan.uid)])
            timer.rows += len(batch["id"])
    for table in (
        "smart_dairy_farm",
        "smart_dairy_animal",
        "smart_dairy_milking",
        "smart_dairy_feed",
    ):
        bulk.fix_sequence(cur, table)
    return plan, h
