"""Stream checks at intake: range, rate of change, conductivity and mastitis risk.

Pure functions over validated rows and the previous value of each series;
they return :class:`Finding` objects (the addon turns them into alerts,
deduplicated per device and condition) and the (device, condition) pairs whose
newest reading passed, so open alerts can be resolved.
"""

import dataclasses
import datetime as dt


@dataclasses.dataclass(frozen=True)
class Rate:
    """Largest change between consecutive readings, per minute when ``per_minute``."""

    limit: float
    per_minute: bool = False


@dataclasses.dataclass(frozen=True)
class StreamLimits:
    rates: dict = dataclasses.field(
        default_factory=lambda: {
            "temperature": Rate(5.0, per_minute=True),
            "activity": Rate(100.0),
            "milk_yield": Rate(5.0),
        }
    )
    ranges: dict = dataclasses.field(default_factory=dict)  # metric -> (low, high) alert band
    conductivity_max: float = 7.0  # mS/cm
    mastitis_risk_max: float = 0.7
    battery_min: float = 15.0  # %


DEFAULT_LIMITS = StreamLimits()


@dataclasses.dataclass(frozen=True)
class Finding:
    device_id: int
    condition: str  # rate:<metric>, range:<metric>, conductivity, mastitis
    time: dt.datetime
    value: float
    limit: float
    message: str


@dataclasses.dataclass
class Checked:
    findings: list
    cleared: set  # (device_id, condition) whose newest reading passed
    flagged: set  # positions of readings that failed a range or rate check


def check_readings(rows, previous, limits=DEFAULT_LIMITS):
    """Check reading tuples (``validation.READING_COLUMNS`` order).

    ``previous`` maps (device_id, metric) to the (time, value) stored just
    before the batch. Rows are checked per series in time order.
    """
    out = Checked([], set(), set())
    series = {}
    for position, row in enumerate(rows):
        series.setdefault((row[1], row[2]), []).append(position)
    for (device_id, metric), positions in series.items():
        positions.sort(key=lambda p: rows[p][0])
        rate = limits.rates.get(metric)
        band = limits.ranges.get(metric)
        last = previous.get((device_id, metric))
        states = {}
        for position in positions:
            when, value = rows[position][0], rows[position][3]
            if band is not None:
                low, high = band
                bad = value < low or value > high
                states[f"range:{metric}"] = bad
                if bad:
                    out.flagged.add(position)
                    out.findings.append(
                        Finding(
                            device_id,
                            f"range:{metric}",
                            when,
                            value,
                            high if value > high else low,
                            f"{metric} {value:g} outside {low:g}..{high:g}",
                        )
                    )
            if rate is not None and last is not None and when > last[0]:
                change = abs(value - last[1])
                if rate.per_minute:
                    change /= max((when - last[0]).total_seconds() / 60.0, 1.0 / 60.0)
                bad = change > rate.limit
                states[f"rate:{metric}"] = bad
                if bad:
                    out.flagged.add(position)
                    unit = " per minute" if rate.per_minute else ""
                    out.findings.append(
                        Finding(
                            device_id,
                            f"rate:{metric}",
                            when,
                            value,
                            rate.limit,
                            f"{metric} changed by {change:.3g}{unit} (limit {rate.limit:g}{unit})",
                        )
                    )
            if metric == "conductivity":
                bad = value > limits.conductivity_max
                states["conductivity"] = bad
                if bad:
                    out.findings.append(_conductivity(device_id, when, value, limits))
            if last is None or when >= last[0]:
                last = (when, value)
        out.cleared.update((device_id, c) for c, bad in states.items() if not bad)
    return out


def _conductivity(device_id, when, value, limits):
    return Finding(
        device_id,
        "conductivity",
        when,
        value,
        limits.conductivity_max,
        f"conductivity {value:g} mS/cm above {limits.conductivity_max:g}",
    )


def check_battery(seen, limits=DEFAULT_LIMITS):
    """Battery findings from ``validation.DeviceSeen`` per device (newest report wins)."""
    out = Checked([], set(), set())
    for device_id, item in sorted(seen.items()):
        if item.battery is None:
            continue
        if item.battery < limits.battery_min:
            out.findings.append(
                Finding(
                    device_id,
                    "battery",
                    item.last_time,
                    item.battery,
                    limits.battery_min,
                    f"battery {item.battery:g} % below {limits.battery_min:g} %",
                )
            )
        else:
            out.cleared.add((device_id, "battery"))
    return out


def check_milkings(rows, limits=DEFAULT_LIMITS):
    """Check milking tuples (``validation.MILKING_COLUMNS`` order): conductivity, mastitis."""
    out = Checked([], set(), set())
    newest = {}
    for row in sorted(rows, key=lambda r: r[0]):
        when, device_id, conductivity, risk = row[0], row[2], row[10], row[17]
        if conductivity is not None:
            bad = conductivity > limits.conductivity_max
            newest[(device_id, "conductivity")] = bad
            if bad:
                out.findings.append(_conductivity(device_id, when, conductivity, limits))
        if risk is not None:
            bad = risk > limits.mastitis_risk_max
            newest[(device_id, "mastitis")] = bad
            if bad:
                out.findings.append(
                    Finding(
                        device_id,
                        "mastitis",
                        when,
                        risk,
                        limits.mastitis_risk_max,
                        f"mastitis risk {risk:g} above {limits.mastitis_risk_max:g}",
                    )
                )
    out.cleared.update(key for key, bad in newest.items() if not bad)
    return out
