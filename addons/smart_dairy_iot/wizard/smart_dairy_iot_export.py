import datetime as dt
import urllib.parse

from smart_dairy.iot import query

from odoo import api, fields, models
from odoo.exceptions import UserError

RESOLUTIONS = [
    ("auto", "Automatic"),
    ("raw", "Every Reading"),
    ("15m", "15 Minutes"),
    ("1h", "Hourly"),
    ("1d", "Daily"),
]


class SmartDairyIotExport(models.TransientModel):
    """Download a range of a device's or a farm's readings as CSV or JSON."""

    _name = "smart.dairy.iot.export"
    _description = "Export Sensor Readings"

    device_id = fields.Many2one("smart.dairy.iot.device", readonly=True)
    farm_id = fields.Many2one("smart.dairy.farm", readonly=True)
    metric = fields.Char(required=True, default="temperature")
    date_from = fields.Datetime(
        "From", required=True, default=lambda self: fields.Datetime.now() - dt.timedelta(days=1)
    )
    date_to = fields.Datetime("To", required=True, default=fields.Datetime.now)
    resolution = fields.Selection(RESOLUTIONS, required=True, default="auto")
    file_format = fields.Selection(
        [("csv", "CSV"), ("json", "JSON")], "Format", required=True, default="csv"
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        device = self.env["smart.dairy.iot.device"].browse(values.get("device_id"))
        if device.metric_ids:
            values["metric"] = device.metric_ids[0].metric
        return values

    def action_export(self):
        """Check the range as the export does, then download it."""
        self.ensure_one()
        resolution = "1d" if self.resolution == "auto" else self.resolution
        try:
            query.check_span(self.date_from, self.date_to, resolution)
        except ValueError as error:
            raise UserError(self.env._("This range cannot be exported: %s", error)) from error
        params = {
            "metric": self.metric,
            "date_from": fields.Datetime.to_string(self.date_from),
            "date_to": fields.Datetime.to_string(self.date_to),
            "resolution": self.resolution,
            "format": self.file_format,
        }
        if self.device_id:
            params["device_id"] = self.device_id.id
        else:
            params["farm_id"] = self.farm_id.id
        return {
            "type": "ir.actions.act_url",
            "url": f"/smart_dairy/iot/v1/export?{urllib.parse.urlencode(params)}",
            "target": "new",
            "close": True,
        }
