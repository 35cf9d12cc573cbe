"""Row validation shared by the HTTP and MQTT intakes.

Each row is a parsed JSON value. A valid row becomes a tuple ready for COPY;
an invalid one becomes a :class:`Rejection` with its index in the batch and
the reason in plain words. Valid rows of a mixed batch are kept.
"""

import dataclasses
import datetime as dt
import math

from .devices import Registry

UTC = dt.timezone.utc


@dataclasses.dataclass(frozen=True)
class IntakePolicy:
    """How far in the future a time may be, and the oldest time still kept raw."""

    future_tolerance: dt.timedelta = dt.timedelta(minutes=5)
    raw_retention: dt.timedelta = dt.timedelta(days=90)
    max_batch: int = 10_000


DEFAULT_POLICY = IntakePolicy()


@dataclasses.dataclass(frozen=True)
class Rejection:
    index: int
    reason: str
    payload: object


@dataclasses.dataclass
class DeviceSeen:
    """What a batch tells about a device: newest reading time, battery, signal."""

    last_time: dt.datetime
    battery: float | None = None
    signal: float | None = None


@dataclasses.dataclass
class Validated:
    rows: list  # tuples in the order of READING_COLUMNS or MILKING_COLUMNS
    rejected: list  # Rejection
    seen: dict  # device id -> DeviceSeen
    indexes: list = dataclasses.field(default_factory=list)  # batch index of each row


class RowError(ValueError):
    """One row is invalid; the message is the reason."""


class BatchTooLarge(ValueError):
    """A batch longer than ``IntakePolicy.max_batch`` (HTTP answers 413)."""


READING_COLUMNS = (
    "time",
    "device_id",
    "metric",
    "value",
    "company_id",
    "farm_id",
    "device_type",
    "animal_id",
    "valid",
)
READING_FIELDS = frozenset(
    ("device", "metric", "value", "unit", "time", "animal", "zone", "battery", "signal", "metadata")
)
MILKING_COLUMNS = (
    "time",
    "end_time",
    "device_id",
    "session_id",
    "company_id",
    "farm_id",
    "animal_id",
    "yield_kg",
    "duration_s",
    "flow_rate",
    "conductivity",
    "temperature",
    "blood",
    "fat",
    "protein",
    "lactose",
    "scc",
    "mastitis_risk",
)
# optional numeric fields of a milking session: (low, high)
MILKING_MEASURES = {
    "duration_s": (0.0, 7200.0),
    "flow_rate": (0.0, 20.0),
    "conductivity": (0.0, 20.0),
    "temperature": (-50.0, 100.0),
    "fat": (0.0, 20.0),
    "protein": (0.0, 20.0),
    "lactose": (0.0, 20.0),
    "scc": (0.0, 1e8),
    "mastitis_risk": (0.0, 1.0),
}
MILKING_FIELDS = frozenset(
    ("meter", "animal", "session", "yield_kg", "blood", "start", "end", *MILKING_MEASURES)
)


def parse_time(value, field="time"):
    """An aware datetime from an ISO 8601 string with an offset, or epoch seconds."""
    if isinstance(value, bool):
        raise RowError(f"{field} must be an ISO 8601 time or epoch seconds")
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            raise RowError(f"{field} must be a finite number of seconds")
        try:
            return dt.datetime.fromtimestamp(value, UTC)
        except (OverflowError, OSError, ValueError) as exc:
            raise RowError(f"{field} is out of range") from exc
    if not isinstance(value, str):
        raise RowError(f"{field} must be an ISO 8601 time or epoch seconds")
    text = value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise RowError(f"{field} {value!r} is not an ISO 8601 time") from exc
    if parsed.tzinfo is None:
        raise RowError(f"{field} {value!r} has no time zone offset")
    return parsed


def _number(row, field, required=False, low=None, high=None):
    value = row.get(field)
    if value is None:
        if required:
            raise RowError(f"{field} is missing")
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise RowError(f"{field} must be a number")
    value = float(value)
    if not math.isfinite(value):
        raise RowError(f"{field} must be a finite number")
    if (low is not None and value < low) or (high is not None and value > high):
        raise RowError(f"{field} {value:g} is outside {low:g}..{high:g}")
    return value


def _text(row, field, required=False, max_length=128):
    value = row.get(field)
    if value is None:
        if required:
            raise RowError(f"{field} is missing")
        return None
    if not isinstance(value, str) or not value.strip() or "\x00" in value:
        raise RowError(f"{field} must be a non-empty string")
    if len(value) > max_length:
        raise RowError(f"{field} is longer than {max_length} characters")
    return value


def _check_fields(row, allowed):
    if not isinstance(row, dict):
        raise RowError("a row must be a JSON object")
    if not row.keys() <= allowed:
        unknown = sorted(set(row) - allowed)
        raise RowError(f"unknown field(s): {', '.join(map(str, unknown))}")


def _device(row, field, registry, sender):
    identifier = row.get(field, sender.identifier if sender else None)
    if identifier is None:
        raise RowError(f"{field} is missing")
    if not isinstance(identifier, str):
        raise RowError(f"{field} must be a string")
    device = registry.devices.get(identifier)
    if device is None:
        raise RowError(f"unknown device {identifier!r}")
    if not device.active:
        raise RowError(f"device {identifier!r} is inactive")
    if (
        sender is not None
        and device.identifier != sender.identifier
        and (sender.type != "gateway" or device.farm_id != sender.farm_id)
    ):
        raise RowError(f"device {identifier!r} may not be sent by {sender.identifier!r}")
    return device


def _time_in_window(when, now, policy, field="time"):
    if when > now + policy.future_tolerance:
        raise RowError(f"{field} {when.isoformat()} is in the future")
    if when < now - policy.raw_retention:
        raise RowError(f"{field} {when.isoformat()} is older than the raw retention")


def _animal(row, registry, device):
    identifier = row.get("animal")
    if identifier is None:
        return device.animal_id
    if not isinstance(identifier, str):
        raise RowError("animal must be a string")
    animal_id = registry.animals.get(identifier)
    if animal_id is None:
        raise RowError(f"unknown animal {identifier!r}")
    farm = registry.animal_farms.get(animal_id)
    if farm is not None and farm != device.farm_id:
        raise RowError(f"animal {identifier!r} is not on the device's farm")
    return animal_id


def _reading(row, registry: Registry, now, policy, sender):
    _check_fields(row, READING_FIELDS)
    device = _device(row, "device", registry, sender)
    metric = _text(row, "metric", required=True)
    limit = device.limits().get(metric)
    if limit is None:
        raise RowError(f"metric {metric!r} is not allowed for a {device.type} device")
    unit = row.get("unit")
    if unit is not None and unit != limit.unit:
        raise RowError(f"unit {unit!r} of {metric} should be {limit.unit!r}")
    value = _number(row, "value", required=True, low=limit.low, high=limit.high)
    if "time" not in row:
        raise RowError("time is missing")
    when = parse_time(row["time"])
    _time_in_window(when, now, policy)
    animal_id = _animal(row, registry, device)
    _text(row, "zone")
    battery = _number(row, "battery", low=0.0, high=100.0)
    signal = _number(row, "signal", low=-200.0, high=100.0)
    if row.get("metadata") is not None and not isinstance(row["metadata"], dict):
        raise RowError("metadata must be a JSON object")
    values = (
        when,
        device.id,
        metric,
        value,
        device.company_id,
        device.farm_id,
        device.type,
        animal_id,
        True,
    )
    return device, values, battery, signal


def _milking(row, registry: Registry, now, policy, sender):
    _check_fields(row, MILKING_FIELDS)
    device = _device(row, "meter", registry, sender)
    if device.type != "milk_meter":
        raise RowError(f"device {device.identifier!r} is a {device.type}, not a milk meter")
    session = row.get("session")
    if isinstance(session, int) and not isinstance(session, bool):
        session = str(session)
    if session is None:
        raise RowError("session is missing")
    session = _text({"session": session}, "session", required=True, max_length=64)
    limit = device.limits().get("milk_yield")
    low, high = (limit.low, limit.high) if limit else (0.0, 100.0)
    yield_kg = _number(row, "yield_kg", required=True, low=low, high=high)
    if "start" not in row:
        raise RowError("start is missing")
    start = parse_time(row["start"], "start")
    _time_in_window(start, now, policy, "start")
    end = parse_time(row["end"], "end") if row.get("end") is not None else None
    if end is not None and end < start:
        raise RowError("end is before start")
    animal_id = _animal(row, registry, device)
    if animal_id is None:
        raise RowError("animal is missing (and the meter is not bound to one)")
    blood = row.get("blood")
    if blood is not None and not isinstance(blood, bool):
        raise RowError("blood must be true or false")
    measures = [_number(row, name, low=lo, high=hi) for name, (lo, hi) in MILKING_MEASURES.items()]
    duration = measures[0]
    if duration is None and end is not None:
        duration = (end - start).total_seconds()
    values = (
        start,
        end,
        device.id,
        session,
        device.company_id,
        device.farm_id,
        animal_id,
        yield_kg,
        duration,
        *measures[1:4],
        blood,
        *measures[4:],
    )
    return device, values, None, None


def _validate(check, rows, registry, now, policy, sender):
    if not isinstance(rows, list):
        rows = [rows]
    if len(rows) > policy.max_batch:
        raise BatchTooLarge(f"a batch of {len(rows)} rows is over the limit of {policy.max_batch}")
    out = Validated([], [], {})
    for index, row in enumerate(rows):
        try:
            device, values, battery, signal = check(row, registry, now, policy, sender)
        except RowError as exc:
            out.rejected.append(Rejection(index, str(exc), row))
            continue
        out.rows.append(values)
        out.indexes.append(index)
        seen = out.seen.get(device.id)
        when = values[0]
        if seen is None:
            out.seen[device.id] = DeviceSeen(when, battery, signal)
        elif when >= seen.last_time:
            seen.last_time = when
            seen.battery = battery if battery is not None else seen.battery
            seen.signal = signal if signal is not None else seen.signal
    return out


def validate_readings(rows, registry, now, policy=DEFAULT_POLICY, sender=None):
    """Validate sensor readings (one dict or a list); see the module docstring.

    ``sender`` is the authenticated device: a device may send only its own
    readings (``device`` may then be left out), a gateway those of its farm.
    """
    return _validate(_reading, rows, registry, now, policy, sender)


def validate_milkings(rows, registry, now, policy=DEFAULT_POLICY, sender=None):
    """Validate milk-meter sessions (one dict or a list), like :func:`validate_readings`."""
    return _validate(_milking, rows, registry, now, policy, sender)
