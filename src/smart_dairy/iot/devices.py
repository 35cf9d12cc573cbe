"""The device registry as plain data: devices, their metrics and valid ranges, status."""

import dataclasses
import datetime as dt
from collections.abc import Mapping

DEVICE_TYPES = (
    "milk_meter",
    "collar",
    "temp_sensor",
    "humidity_sensor",
    "dispenser",
    "gateway",
    "other",
)


@dataclasses.dataclass(frozen=True)
class MetricLimit:
    """A metric a device may send: its unit and the valid range (inclusive)."""

    unit: str
    low: float
    high: float


_TEMPERATURE = MetricLimit("°C", -50.0, 100.0)
_ACTIVITY = MetricLimit("units", 0.0, 1000.0)
_MILK_YIELD = MetricLimit("kg", 0.0, 100.0)

DEFAULT_METRICS = {
    "milk_meter": {
        "milk_yield": _MILK_YIELD,
        "conductivity": MetricLimit("mS/cm", 0.0, 20.0),
        "temperature": _TEMPERATURE,
    },
    "collar": {
        "activity": _ACTIVITY,
        "rumination": MetricLimit("min/h", 0.0, 60.0),
        "temperature": _TEMPERATURE,
    },
    "temp_sensor": {"temperature": _TEMPERATURE},
    "humidity_sensor": {
        "humidity": MetricLimit("%", 0.0, 100.0),
        "temperature": _TEMPERATURE,
    },
    "dispenser": {"feed": MetricLimit("kg", 0.0, 50.0)},
    "gateway": {},
    "other": {},
}


@dataclasses.dataclass(frozen=True)
class Device:
    """A registered device as the intake sees it.

    ``metrics`` maps each metric the device may send to its limit; empty means
    the defaults of its type (:data:`DEFAULT_METRICS`).
    """

    id: int
    identifier: str
    type: str
    farm_id: int
    company_id: int
    animal_id: int | None = None
    zone: str | None = None
    active: bool = True
    metrics: Mapping[str, MetricLimit] = dataclasses.field(default_factory=dict)

    def limits(self):
        return self.metrics or DEFAULT_METRICS.get(self.type, {})


@dataclasses.dataclass(frozen=True)
class Registry:
    """What validation needs to know: devices by identifier, animal ids by identifier.

    ``animal_farms`` (optional) maps an animal id to its farm, so a reading cannot
    name another farm's animal.
    """

    devices: Mapping[str, Device]
    animals: Mapping[str, int] = dataclasses.field(default_factory=dict)
    animal_farms: Mapping[int, int] = dataclasses.field(default_factory=dict)

    @classmethod
    def of(cls, devices, animals=None, animal_farms=None):
        return cls({d.identifier: d for d in devices}, animals or {}, animal_farms or {})


@dataclasses.dataclass(frozen=True)
class StatusThresholds:
    """A device is online when last seen within ``online``, degraded within ``degraded``."""

    online: dt.timedelta = dt.timedelta(minutes=5)
    degraded: dt.timedelta = dt.timedelta(hours=1)


def status(last_seen, now, thresholds=StatusThresholds()):
    """``online``, ``degraded`` or ``offline`` (also when never seen)."""
    if last_seen is None:
        return "offline"
    age = now - last_seen
    if age <= thresholds.online:
        return "online"
    if age <= thresholds.degraded:
        return "degraded"
    return "offline"
