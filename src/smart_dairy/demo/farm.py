"""Farm-side demo data: farms, herd, twice-daily milkings and daily feed records.

Each cow gets a calving history (lactations separated by dry periods) so that her
status today, her last calving date and her milkings over the history agree; cows
sold during the history keep the herd's size steady. Daily yield follows Wood's
lactation curve with a spring flush, a summer heat dip, per-animal and per-day
noise; somatic cell counts are lognormal with a few chronically high cows and
short mastitis episodes. Two incidents end the history: a mastitis outbreak in
one farm (cell counts up, yield down) and a production shortfall in another.
"""

import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from .curves import bump, split_counts, wood_params, wood_yield
from .settings import load_settings


@dataclass(frozen=True, slots=True)
class FarmRow:
    code: str
    name: str
    region: str
    location: str
    latitude: float
    longitude: float
    daily_capacity: float


@dataclass(frozen=True, slots=True)
class AnimalRow:
    ear_tag: str
    name: str
    farm_code: str
    breed: str
    birth_date: date
    lactation_number: int
    last_calving_date: date | None
    status: str
    sold_date: date | None = None


@dataclass(frozen=True, slots=True)
class MilkingRow:
    ear_tag: str
    farm_code: str
    date: date
    session: str
    volume: float
    fat_pct: float
    protein_pct: float
    scc: int


@dataclass(frozen=True, slots=True)
class FeedProductRow:
    code: str
    name: str
    category: str
    cost_per_kg: float


@dataclass(frozen=True, slots=True)
class FeedRow:
    farm_code: str
    date: date
    product_code: str
    quantity: float
    cost: float


@dataclass
class FarmDemo:
    """Everything the farm-side demo needs, in insertion order."""

    start: date
    end: date
    farms: list[FarmRow] = field(default_factory=list)
    animals: list[AnimalRow] = field(default_factory=list)
    milkings: list[MilkingRow] = field(default_factory=list)
    feed_category: str = ""
    feed_products: list[FeedProductRow] = field(default_factory=list)
    feeds: list[FeedRow] = field(default_factory=list)
    mastitis_cows: list[str] = field(default_factory=list)
    shortfall_start: date | None = None


@dataclass(slots=True)
class _Lactation:
    calving: date
    length: int
    a: float
    b: float
    c: float


@dataclass(slots=True)
class _Cow:
    row: AnimalRow
    lactations: list[_Lactation]
    first_calving: date | None
    fat: float
    protein: float
    scc: float
    episode_left: int = 0
    episode_days: int = 1
    episode_factor: float = 1.0
    outbreak: date | None = None


def _randint(rng, bounds):
    return rng.randint(bounds[0], bounds[1])


def _season_factor(doy, seasonality):
    flush = seasonality["spring_flush"]
    heat = seasonality["summer_heat"]
    return (
        1.0
        + flush["amplitude"] * bump(doy, flush["peak_doy"], flush["width_days"])
        - heat["amplitude"] * bump(doy, heat["peak_doy"], heat["width_days"])
    )


def _make_cow(rng, cfg, farm, index, status, today, start):
    """One animal with its calving history consistent with ``status`` today."""
    lact = cfg["lactation"]
    breeds = cfg["breeds"]
    breed = rng.choices(list(breeds), weights=[b["weight"] for b in breeds.values()])[0]
    spec = breeds[breed]
    ear_tag = f"{farm['ear_tag_prefix']}-{1001 + index}"
    name = rng.choice(cfg["cow_names"])
    comp = cfg["composition"]
    scc_cfg = cfg["scc"]
    scc = scc_cfg["median"] * math.exp(rng.gauss(0.0, scc_cfg["animal_sigma"]))
    if rng.random() < scc_cfg["high_cow_share"]:
        scc *= scc_cfg["high_cow_factor"]
    fat = spec["fat_pct"] + rng.gauss(0.0, comp["fat_animal_sd"])
    protein = spec["protein_pct"] + rng.gauss(0.0, comp["protein_animal_sd"])
    if status == "heifer":
        birth = today - timedelta(days=_randint(rng, lact["heifer_age_days"]))
        row = AnimalRow(ear_tag, name, farm["code"], breed, birth, 0, None, status)
        return _Cow(row, [], None, fat, protein, scc)

    count = rng.choices(
        range(1, len(lact["lactation_number_weights"]) + 1),
        weights=lact["lactation_number_weights"],
    )[0]
    length = _randint(rng, lact["length_days"])
    dry = _randint(rng, lact["dry_days"])
    sold_date = None
    if status == "lactating":
        calving = today - timedelta(days=rng.randint(3, length - 1))
    elif status == "dry":
        calving = today - timedelta(days=rng.randint(length, length + dry - 1))
    else:  # sold during the year, while in milk
        sold_date = today - timedelta(days=rng.randint(20, (today - start).days - 40))
        calving = sold_date - timedelta(days=rng.randint(120, length - 1))
    animal_factor = math.exp(rng.gauss(0.0, lact["animal_sd"]))
    parity_factors = lact["parity_factor"]
    lactations = []
    for k in range(count):
        if k:
            length = _randint(rng, lact["length_days"])
            calving -= timedelta(days=length + _randint(rng, lact["dry_days"]))
        parity = count - k
        peak = (
            spec["peak_litres"]
            * animal_factor
            * parity_factors[min(parity, len(parity_factors)) - 1]
        )
        a, b, c = wood_params(peak, _randint(rng, lact["peak_day"]), rng.uniform(*lact["wood_b"]))
        lactations.append(_Lactation(calving, length, a, b, c))
    first_calving = lactations[-1].calving
    birth = first_calving - timedelta(days=_randint(rng, lact["first_calving_age_days"]))
    row = AnimalRow(
        ear_tag, name, farm["code"], breed, birth, count, lactations[0].calving, status, sold_date
    )
    return _Cow(row, lactations, first_calving, fat, protein, scc)


def _milk_day(rng, cfg, cow, day, dim, lactation, season, heat, parity, incidents):
    """The day's milkings of one cow, one row per session."""
    comp = cfg["composition"]
    scc_cfg = cfg["scc"]
    seas = cfg["seasonality"]
    daily = wood_yield(dim, lactation.a, lactation.b, lactation.c) * season
    if day >= incidents["shortfall_start"] and cow.row.farm_code == incidents["shortfall"]["farm"]:
        daily *= incidents["shortfall"]["yield_factor"]
    daily *= math.exp(rng.gauss(0.0, cfg["daily_sd"]))
    stage = min(dim / 305.0, 1.2)
    fat_day = cow.fat + 0.35 * stage - 0.12 - seas["summer_fat_drop"] * heat
    protein_day = cow.protein + 0.22 * stage - 0.08 - seas["summer_protein_drop"] * heat
    if cow.episode_left == 0 and rng.random() < scc_cfg["episode_rate"]:
        cow.episode_days = cow.episode_left = _randint(rng, scc_cfg["episode_days"])
        cow.episode_factor = rng.uniform(*scc_cfg["episode_factor"])
    episode = 1.0
    if cow.episode_left:
        episode += (cow.episode_factor - 1.0) * cow.episode_left / cow.episode_days
        cow.episode_left -= 1
        daily *= 0.9
    if cow.outbreak and day >= cow.outbreak:
        episode *= incidents["mastitis"]["scc_factor"]
        daily *= incidents["mastitis"]["yield_factor"]
    scc_day = cow.scc * (1.0 + scc_cfg["parity_step"] * (parity - 1)) * episode
    rows = []
    for session, share in cfg["sessions"].items():
        volume = daily * share * math.exp(rng.gauss(0.0, 0.03))
        fat = fat_day + rng.gauss(0.0, comp["fat_daily_sd"])
        protein = protein_day + rng.gauss(0.0, comp["protein_daily_sd"])
        scc = scc_day * math.exp(rng.gauss(0.0, scc_cfg["daily_sigma"]))
        rows.append(
            MilkingRow(
                cow.row.ear_tag,
                cow.row.farm_code,
                day,
                session,
                round(volume, 2),
                round(min(max(fat, comp["fat_range"][0]), comp["fat_range"][1]), 2),
                round(min(max(protein, comp["protein_range"][0]), comp["protein_range"][1]), 2),
                int(min(max(scc, scc_cfg["range"][0]), scc_cfg["range"][1])),
            )
        )
    return rows


def _feed_rows(rng, cfg, farm_code, day, herd, litres, start):
    feed = cfg["feed"]
    drift = 1.0 + feed["price_drift_per_year"] * (day - start).days / 365.0
    rows = []
    for product in feed["products"]:
        quantity = (
            product["kg_per_lactating"] * herd["lactating"]
            + product["kg_per_dry"] * herd["dry"]
            + product["kg_per_heifer"] * herd["heifer"]
            + product["kg_per_litre"] * litres
        ) * math.exp(rng.gauss(0.0, feed["daily_sd"]))
        quantity = round(quantity, 1)
        cost = round(quantity * product["cost_per_kg"] * drift, 2)
        rows.append(FeedRow(farm_code, day, product["code"], quantity, cost))
    return rows


def _outbreak(rng, spec, cows, today):
    """Mark the cows of the mastitis outbreak: lactating cows well into their lactation."""
    onset = today - timedelta(days=spec["onset_days_ago"])
    eligible = [
        cow
        for cow in cows
        if cow.row.status == "lactating"
        and (onset - cow.row.last_calving_date).days >= spec["min_days_in_milk"]
    ]
    for cow in rng.sample(eligible, min(spec["cows"], len(eligible))):
        cow.outbreak = onset
    return sorted(cow.row.ear_tag for cow in cows if cow.outbreak)


def generate_farm_demo(today: date, seed: int | None = None, settings: dict | None = None):
    """Farms, animals, milkings and feed records for the history ending on ``today``.

    :param today: last day of the history (included)
    :param seed: random seed; defaults to the seed of the settings
    :param settings: generator settings; defaults to the shipped ones
    :return: a :class:`FarmDemo`
    """
    settings = settings or load_settings()
    cfg = settings["farm"]
    seed = settings["seed"] if seed is None else seed
    rng = random.Random(f"smart-dairy-farm-{seed}")
    start = today - timedelta(days=settings["history_days"] - 1)
    demo = FarmDemo(start=start, end=today, feed_category=cfg["feed"]["parent_category"])
    incidents = dict(settings["incidents"])
    shortfall = incidents["shortfall"]
    incidents["shortfall_start"] = demo.shortfall_start = today - timedelta(
        days=shortfall["days"] - 1
    )
    demo.feed_products = [
        FeedProductRow(p["code"], p["name"], p["category"], p["cost_per_kg"])
        for p in cfg["feed"]["products"]
    ]
    for farm in cfg["farms"]:
        demo.farms.append(
            FarmRow(
                farm["code"],
                farm["name"],
                farm["region"],
                farm["location"],
                farm["latitude"],
                farm["longitude"],
                farm["daily_capacity"],
            )
        )
        counts = split_counts(farm["animals"], cfg["status_mix"])
        statuses = [status for status, count in counts.items() for _i in range(count)]
        rng.shuffle(statuses)
        cows = [
            _make_cow(rng, cfg, farm, index, status, today, start)
            for index, status in enumerate(statuses)
        ]
        demo.animals.extend(cow.row for cow in cows)
        if farm["code"] == incidents["mastitis"]["farm"]:
            demo.mastitis_cows = _outbreak(rng, incidents["mastitis"], cows, today)
        day = start
        while day <= today:
            doy = day.timetuple().tm_yday
            season = _season_factor(doy, cfg["seasonality"])
            heat = bump(
                doy,
                cfg["seasonality"]["summer_heat"]["peak_doy"],
                cfg["seasonality"]["summer_heat"]["width_days"],
            )
            herd = {"lactating": 0, "dry": 0, "heifer": 0}
            litres = 0.0
            for cow in cows:
                row = cow.row
                if day < row.birth_date or (row.sold_date and day >= row.sold_date):
                    continue
                if cow.first_calving is None or day < cow.first_calving:
                    herd["heifer"] += 1
                    continue
                for position, lactation in enumerate(cow.lactations):
                    dim = (day - lactation.calving).days + 1
                    if 1 <= dim <= lactation.length:
                        parity = row.lactation_number - position
                        rows = _milk_day(
                            rng, cfg, cow, day, dim, lactation, season, heat, parity, incidents
                        )
                        demo.milkings.extend(rows)
                        litres += sum(r.volume for r in rows)
                        herd["lactating"] += 1
                        break
                else:
                    herd["dry"] += 1
            demo.feeds.extend(_feed_rows(rng, cfg, farm["code"], day, herd, litres, start))
            day += timedelta(days=1)
    return demo
