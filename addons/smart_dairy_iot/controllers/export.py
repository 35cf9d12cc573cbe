"""Streamed CSV and JSON export of a device's or a farm's readings.

The range is checked in the request; the rows are then read page by page on a
cursor of their own while the answer is sent, so a year of a device is never
held in memory.
"""

from smart_dairy.iot import export

from odoo import http
from odoo.exceptions import AccessError
from odoo.http import request

from odoo.addons.smart_dairy_bi.models.smart_dairy_request import InvalidRequest

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


class SmartDairyIotExport(http.Controller):
    @http.route("/smart_dairy/iot/v1/export", type="http", auth="user", methods=["GET"])
    def export(self, metric=None, date_from=None, date_to=None, resolution="auto", **params):
        """Query parameters: device_id or farm_id, metric, date_from and date_to (UTC,
        YYYY-MM-DD HH:MM:SS), resolution (auto, raw, 15m, 1h, 1d), format (csv, json)."""
        fmt = params.get("format", "csv")
        try:
            plan = request.env["smart.dairy.iot.device"]._export_plan(
                params.get("device_id"), params.get("farm_id"), metric, date_from, date_to,
                resolution, fmt,
            )  # fmt: skip
        except InvalidRequest as error:
            body = {"error": "invalid_request", "field": error.field, "message": error.problem}
            return request.make_json_response(body, status=422)
        except AccessError as error:
            body = {"error": "forbidden", "message": str(error)}
            return request.make_json_response(body, status=403)
        name = f"readings-{plan['metric']}-{plan['start']:%Y%m%d}-{plan['end']:%Y%m%d}.{fmt}"
        return request.make_response(
            _stream(request.env.registry, plan),
            headers=[
                ("Content-Type", CONTENT_TYPES[fmt]),
                ("Content-Disposition", http.content_disposition(name)),
            ],
        )


def _stream(registry, plan):
    with registry.cursor() as cr:
        for chunk in export.export(
            cr._cnx,
            plan["start"],
            plan["end"],
            plan["metric"],
            plan["resolution"],
            fmt=plan["fmt"],
            device_id=plan.get("device_id"),
            farm_id=plan.get("farm_id"),
            company_ids=plan["company_ids"],
        ):
            yield chunk.encode()
