"""Reading the sensor store through devices: the methods the device form, exports
and JSON-2 clients call. Each reads only devices and farms the caller may read
(record rules decide), in the caller's companies."""

import datetime as dt

from smart_dairy.iot import query, stats

from odoo import api, fields, models

from odoo.addons.smart_dairy_base.models.smart_dairy_access_mixin import (
    ANALYTICS_MANAGER_GROUP,
    USER_GROUP,
)
from odoo.addons.smart_dairy_bi.models.smart_dairy_request import InvalidRequest

UTC = dt.timezone.utc


def _utc(value):
    return value.replace(tzinfo=UTC)


def _text(moment):
    """A timestamptz as Odoo writes datetimes (UTC, no zone)."""
    return fields.Datetime.to_string(moment.astimezone(UTC).replace(tzinfo=None))


def _point(point):
    return {
        "time": _text(point.time),
        "device_id": point.device_id,
        "avg": point.avg,
        "min": point.min,
        "max": point.max,
        "stddev": point.stddev,
        "count": point.count,
        "valid_count": point.valid_count,
    }


class SmartDairyIotDeviceReadings(models.AbstractModel):
    """Mixed into smart.dairy.iot.device (whose status, clock and settings it uses)."""

    _name = "smart.dairy.iot.device.readings"
    _description = "IoT Device Readings"

    @api.model
    def _check_window(self, metric, date_from, date_to, resolution):
        """(metric, start, end) of a range request, else InvalidRequest naming the field."""
        request = self.env["smart.dairy.request"]
        metric = request._check_text(metric, "metric")
        bounds = []
        for name, value in (("date_from", date_from), ("date_to", date_to)):
            try:
                moment = fields.Datetime.to_datetime(value) if isinstance(value, str) else None
            except ValueError:
                moment = None
            if moment is None:
                raise InvalidRequest(name, "must be a time written YYYY-MM-DD HH:MM:SS (UTC)")
            bounds.append(_utc(moment))
        try:
            query.check_span(*bounds, resolution)
        except ValueError as error:
            raise InvalidRequest("date_to", str(error)) from error
        return metric, *bounds

    def _series(self, metric, date_from, date_to, resolution, **where):
        metric, start, end = self._check_window(metric, date_from, date_to, resolution)
        used, points = query.series(
            self.env.cr,
            start,
            end,
            metric,
            resolution=resolution,
            now=_utc(self._now()),
            settings=self._storage_settings(),
            company_ids=self.env.companies.ids,
            **where,
        )
        return {"resolution": used, "metric": metric, "points": [_point(p) for p in points]}

    def get_latest(self):
        """The newest reading of each device: [{id, identifier, time, metric, value, status}]."""
        self._check_caller(USER_GROUP)
        latest = self._latest_readings()
        answer = []
        for device in self:
            time, metric, value = latest.get(device.id, (None, None, None))
            answer.append(
                {
                    "id": device.id,
                    "identifier": device.identifier,
                    "time": _text(time) if time else None,
                    "metric": metric,
                    "value": value,
                    "status": device.status,
                }
            )
        return answer

    def get_series(self, metric, date_from, date_to, resolution="auto"):
        """One device's ``metric`` over [date_from, date_to) (UTC) at raw, 15m, 1h or 1d
        resolution (``auto``: the finest that serves the range quickly)."""
        self._check_caller(USER_GROUP)
        self.ensure_one()
        return self._series(metric, date_from, date_to, resolution, device_id=self.id)

    @api.model
    def get_farm_series(self, farm_id, metric, date_from, date_to, resolution="auto"):
        """All of a farm's devices' ``metric`` together, as :meth:`get_series`."""
        self._check_caller(USER_GROUP)
        farm_id = self.env["smart.dairy.request"]._check_id(farm_id, "farm_id")
        farm = self.env["smart.dairy.farm"].browse(farm_id)
        if not farm.exists() or not farm.has_access("read"):
            raise InvalidRequest("farm_id", f"no such farm, or not yours to read: {farm_id}")
        return self._series(metric, date_from, date_to, resolution, farm_id=farm_id)

    @api.model
    def _export_plan(self, device_id, farm_id, metric, date_from, date_to, resolution, fmt):
        """The engine's export arguments for a device's or a farm's range, checked as the
        JSON-2 methods check theirs (InvalidRequest, AccessError)."""
        self._check_caller(USER_GROUP)
        request = self.env["smart.dairy.request"]
        fmt = request._check_text(fmt, "format", ["csv", "json"])
        if bool(device_id) == bool(farm_id):
            raise InvalidRequest("device_id", "give either a device_id or a farm_id")
        where = {}
        if device_id:
            device = self.browse(request._check_id(device_id, "device_id"))
            device._check_caller(USER_GROUP)
            where["device_id"] = device.id
        else:
            farm = self.env["smart.dairy.farm"].browse(request._check_id(farm_id, "farm_id"))
            if not farm.exists() or not farm.has_access("read"):
                raise InvalidRequest("farm_id", f"no such farm, or not yours to read: {farm_id}")
            where["farm_id"] = farm.id
        metric, start, end = self._check_window(metric, date_from, date_to, resolution)
        if resolution == "auto":
            now = _utc(self._now())
            resolution = query.choose_resolution(start, end, now, self._storage_settings())
        return {
            "start": start,
            "end": end,
            "metric": metric,
            "resolution": resolution,
            "fmt": fmt,
            "company_ids": self.env.companies.ids,
            **where,
        }

    @api.model
    def get_status_list(self):
        """Every device the caller may read: [{id, identifier, farm, type, status, last_seen,
        battery}], the offline ones first."""
        self._check_caller(USER_GROUP)
        order = {"offline": 0, "degraded": 1, "online": 2}
        devices = self.search([])
        return sorted(
            (
                {
                    "id": d.id,
                    "identifier": d.identifier,
                    "farm": d.farm_id.display_name,
                    "type": d.type,
                    "status": d.status,
                    "last_seen": fields.Datetime.to_string(d.last_seen) if d.last_seen else None,
                    "battery": d.battery if d.last_seen else None,
                }
                for d in devices
            ),
            key=lambda item: (order[item["status"]], item["identifier"]),
        )

    @api.model
    def get_ingestion_stats(self):
        """Intake of the caller's companies: readings in the last hour and day, rejected
        share, active devices, and the lag of each aggregate (seconds)."""
        self._check_caller(ANALYTICS_MANAGER_GROUP)
        senders = (
            self.sudo()
            .with_context(active_test=False)
            .search([("company_id", "in", self.env.companies.ids)])
            .mapped("identifier")
        )
        figures = stats.ingestion_stats(
            self.env.cr, _utc(self._now()), company_ids=self.env.companies.ids, senders=senders
        )
        figures["aggregate_lag"] = {
            name: lag.total_seconds() if lag is not None else None
            for name, lag in figures["aggregate_lag"].items()
        }
        return figures
