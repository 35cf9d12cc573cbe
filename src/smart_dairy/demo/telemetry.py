"""A few days of sensor readings for the demo fleet, as devices would send them.

Milk tanks hold about 3.8 °C with a warm spell after each milking; barns follow
the day's temperature and humidity; collars report activity and rumination with
a cow's daily rhythm and slowly draining batteries. One collar has stopped
reporting (an offline device) and one runs low on battery, so the IoT screens
show what a farm manager must act on. A farm's parlour meter records the last days'
milkings (:func:`meter_sessions`). Rows are the intake's JSON rows.
"""

import dataclasses
import datetime as dt
import math
import random
from zoneinfo import ZoneInfo

from smart_dairy.quality import MILK_KG_PER_LITRE

STEP = dt.timedelta(minutes=15)
SILENT_FOR = dt.timedelta(hours=6)  # the collar that stopped reporting
LOW_BATTERY = 12.0  # % at the end, below the 15 % alert level
# local start of each milking session in the parlour, and the cows it milks an hour
PARLOUR_START = {"morning": dt.time(5, 0), "midday": dt.time(12, 0), "evening": dt.time(17, 0)}
COWS_PER_HOUR = 40
CONDUCTIVITY_CAP = 6.8  # mS/cm: demo sessions stay under the 7.0 stream-check limit
MASTITIS_RISK_CAP = 0.6  # under the 0.7 limit


@dataclasses.dataclass(frozen=True)
class DemoMilking:
    """A milking the meter records: the farm demo's record of it."""

    ear_tag: str
    date: dt.date
    session: str  # morning, midday or evening
    volume: float  # litres
    fat: float | None
    protein: float | None
    scc: int | None


@dataclasses.dataclass(frozen=True)
class DemoDevice:
    identifier: str
    type: str  # temp_sensor, humidity_sensor or collar
    silent: bool = False  # stops reporting SILENT_FOR before the end
    low_battery: bool = False  # ends at LOW_BATTERY %


def _hour(moment):
    return moment.hour + moment.minute / 60


def _tank(moment, rng):
    since_milking = min((_hour(moment) - h) % 24 for h in (5, 17))
    warm = 2.5 * math.exp(-since_milking / 0.75) if since_milking < 3 else 0.0
    return {"temperature": round(3.8 + warm + rng.gauss(0, 0.15), 2)}


def _barn(moment, rng):
    daily = math.sin((_hour(moment) - 9) / 24 * 2 * math.pi)
    return {
        "temperature": round(14 + 6 * daily + rng.gauss(0, 0.5), 1),
        "humidity": round(min(100.0, max(0.0, 70 - 15 * daily + rng.gauss(0, 3))), 1),
    }


def _collar(moment, rng):
    hour = _hour(moment)
    awake = 1.0 if 5 <= hour < 21 else 0.35
    feeding = 1.6 if min(abs(hour - 6), abs(hour - 18)) < 1.5 else 1.0
    return {
        "activity": round(max(0.0, 60 * awake * feeding + rng.gauss(0, 8)), 1),
        "rumination": round(min(60.0, max(0.0, 32 - 10 * awake + rng.gauss(0, 4))), 1),
        "temperature": round(38.6 + 0.3 * math.sin(hour / 24 * 2 * math.pi) + rng.gauss(0, 0.1), 2),
    }


SHAPES = {"temp_sensor": _tank, "humidity_sensor": _barn, "collar": _collar}


def readings(devices, end, days=3, seed=7):
    """Rows for ``devices`` every 15 minutes over the ``days`` before ``end`` (aware UTC).

    Battery drains linearly from near full (or to LOW_BATTERY for a low one); a
    silent device sends nothing in the last SILENT_FOR. Same arguments, same rows.
    """
    rng = random.Random(seed)
    start = end - dt.timedelta(days=days)
    steps = int((end - start) / STEP)
    rows = []
    for number, device in enumerate(devices):
        shape = SHAPES[device.type]
        first_battery = 96.0 - 3 * (number % 5)
        last_battery = LOW_BATTERY if device.low_battery else first_battery - 2 * days
        stop = end - SILENT_FOR if device.silent else end
        for step in range(steps):
            moment = start + step * STEP
            if moment >= stop:
                break
            battery = first_battery + (last_battery - first_battery) * step / max(steps - 1, 1)
            for metric, value in shape(moment, rng).items():
                rows.append(
                    {
                        "device": device.identifier,
                        "metric": metric,
                        "value": value,
                        "time": moment.isoformat(),
                        "battery": round(battery, 1),
                    }
                )
    return rows


def meter_sessions(meter, milkings, tz, until=None, seed=7):
    """Milk-meter sessions recording ``milkings`` (:class:`DemoMilking`) on ``meter``:
    [(milking, row)], for the sessions started before ``until`` (aware) if given.

    Cows go through the parlour in ear-tag order from the session's local start
    (``tz``, an IANA name), COWS_PER_HOUR an hour. Each session keeps its milking's
    yield (volume times MILK_KG_PER_LITRE, so the milking record made from it has
    the same volume), fat, protein and cell count; conductivity, mastitis risk and
    lactose follow the cell count, kept under the stream checks' limits. Same
    arguments, same rows.
    """
    rng = random.Random(seed)
    zone = ZoneInfo(tz)
    slots = {}
    for milking in sorted(milkings, key=lambda m: (m.date, m.session, m.ear_tag)):
        slots.setdefault((milking.date, milking.session), []).append(milking)
    rows = []
    for (day, session), group in slots.items():
        opening = dt.datetime.combine(day, PARLOUR_START[session], zone)
        for place, milking in enumerate(group):
            start = opening + dt.timedelta(hours=place / COWS_PER_HOUR)
            if until is not None and start >= until:
                break
            yield_kg = milking.volume * MILK_KG_PER_LITRE
            flow = rng.uniform(2.2, 3.4)  # kg a minute
            duration = round(60 * yield_kg / flow) if yield_kg else 60
            cells = max(milking.scc or 100_000, 20_000)
            log_cells = math.log10(cells)
            rows.append(
                (
                    milking,
                    {
                        "meter": meter,
                        "animal": milking.ear_tag,
                        "session": f"{day:%Y%m%d}-{session}-{milking.ear_tag}",
                        "yield_kg": yield_kg,
                        "start": start.isoformat(),
                        "end": (start + dt.timedelta(seconds=duration)).isoformat(),
                        "duration_s": float(duration),
                        "flow_rate": round(flow, 2),
                        "conductivity": round(
                            min(CONDUCTIVITY_CAP, 4.6 + 0.9 * (log_cells - 5) + rng.gauss(0, 0.1)),
                            2,
                        ),
                        "temperature": round(rng.gauss(37.9, 0.2), 1),
                        "blood": False,
                        "fat": milking.fat,
                        "protein": milking.protein,
                        "lactose": round(4.85 - 0.15 * max(log_cells - 5, 0), 2),
                        "scc": float(milking.scc) if milking.scc is not None else None,
                        "mastitis_risk": round(
                            min(MASTITIS_RISK_CAP, max(0.0, (log_cells - 5) / 2.5)), 2
                        ),
                    },
                )
            )
    return rows
