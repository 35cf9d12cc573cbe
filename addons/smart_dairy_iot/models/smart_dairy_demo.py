import datetime as dt
import logging
import time

from smart_dairy.demo import telemetry
from smart_dairy.iot import events, intake, validation

from odoo import api, fields, models

_logger = logging.getLogger(__name__)
COLLARS_PER_FARM = 2


class SmartDairyDemo(models.AbstractModel):
    _inherit = "smart.dairy.demo"

    @api.model
    @api.private
    def generate_iot_demo(self):
        """A device fleet on the demo farms (tank and barn sensors, gateway, collars on
        the first cows) and the last three days of their readings, taken in through
        the intake as devices would send them. Does nothing when the fleet exists."""
        started = time.perf_counter()
        company = self.env.ref("smart_dairy_base.demo_company")
        Device = self.env["smart.dairy.iot.device"].with_company(company)
        farms = self.env["smart.dairy.farm"].search([("company_id", "=", company.id)])
        if not farms or Device.with_context(active_test=False).search_count(
            [("farm_id", "in", farms.ids)]
        ):
            return False
        specs, fleet = [], []
        for number, farm in enumerate(farms):
            code = farm.code
            specs += [
                {"identifier": f"{code}-TANK", "type": "temp_sensor", "zone": "Milk tank"},
                {"identifier": f"{code}-BARN", "type": "humidity_sensor", "zone": "Barn"},
                {"identifier": f"{code}-GW", "type": "gateway", "zone": "Office"},
            ]
            cows = self.env["smart.dairy.animal"].search(
                [("farm_id", "=", farm.id)], limit=COLLARS_PER_FARM, order="ear_tag"
            )
            for index, cow in enumerate(cows, 1):
                specs.append(
                    {
                        "identifier": f"{code}-COLLAR-{index}",
                        "type": "collar",
                        "animal_id": cow.id,
                        "zone": "Herd",
                        "silent": number == 0 and index == 2,
                        "low_battery": number == 1 and index == 1,
                    }
                )
            for spec in specs[len(fleet) :]:
                spec["farm_id"] = farm.id
                fleet.append(spec)
        devices = Device.create(
            [
                {k: v for k, v in spec.items() if k not in ("silent", "low_battery")}
                for spec in fleet
            ]
        )
        devices._issue_token()
        end = fields.Datetime.now().replace(second=0, microsecond=0, tzinfo=dt.timezone.utc)
        rows = telemetry.readings(
            [
                telemetry.DemoDevice(
                    spec["identifier"],
                    spec["type"],
                    silent=spec.get("silent", False),
                    low_battery=spec.get("low_battery", False),
                )
                for spec in fleet
                if spec["type"] in telemetry.SHAPES
            ],
            end,
        )
        registry = Device._intake_registry(company.ids)
        result = intake.take(
            self.env.cr,
            "reading",
            [(None, rows)],
            registry,
            end,
            Device._store_is_plain(),
            policy=validation.IntakePolicy(max_batch=len(rows)),
            source="demo",
        )
        events.record(self.env.cr, result, end)
        Device._record_seen(result.seen)
        # the gateways relayed it all: seen at the end, on mains power
        newest = max(d.last_seen for d in devices if d.last_seen)
        devices.filtered(lambda d: d.type == "gateway").write(
            {"last_seen": newest, "battery": 100.0}
        )
        _logger.info(
            "Smart Dairy IoT demo: %d devices, %d readings in %.1f s",
            len(devices),
            result.accepted,
            time.perf_counter() - started,
        )
        return True
