import datetime as dt
import logging
import time
from zoneinfo import ZoneInfo

from smart_dairy.demo import load_settings, telemetry
from smart_dairy.iot import events, intake, validation

from odoo import api, fields, models

_logger = logging.getLogger(__name__)
COLLARS_PER_FARM = 2
METER_DAYS = 3  # the parlour meter recorded the metered farm's milkings of these last days


class SmartDairyDemo(models.AbstractModel):
    _inherit = "smart.dairy.demo"

    @api.model
    @api.private
    def generate_iot_demo(self):
        """A device fleet on the demo farms (tank and barn sensors, gateway, collars on
        the first cows, a parlour milk meter on a farm without incidents) and the last
        three days of their readings, taken in through the intake as devices would
        send them. Does nothing when the fleet exists."""
        started = time.perf_counter()
        company = self.env.ref("smart_dairy_base.demo_company")
        Device = self.env["smart.dairy.iot.device"].with_company(company)
        farms = self.env["smart.dairy.farm"].search([("company_id", "=", company.id)])
        if not farms or Device.with_context(active_test=False).search_count(
            [("farm_id", "in", farms.ids)]
        ):
            return False
        incidents = load_settings()["incidents"]
        metered = farms.filtered(
            lambda f: f.code not in (incidents["mastitis"]["farm"], incidents["shortfall"]["farm"])
        )[:1]
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
            if farm == metered:
                specs.append(
                    {"identifier": f"{code}-METER", "type": "milk_meter", "zone": "Parlour"}
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
        sessions = self._demo_meter_sessions(
            devices.filtered(lambda d: d.type == "milk_meter"), end
        )
        # the gateways relayed it all, and the meter is on mains power: seen at the end
        newest = max(d.last_seen for d in devices if d.last_seen)
        devices.filtered(lambda d: d.type in ("gateway", "milk_meter")).write(
            {"last_seen": newest, "battery": 100.0}
        )
        self.env["smart.dairy.iot.health"]._record(end.replace(tzinfo=None))
        self._demo_sensor_quality(fields.Datetime.now())
        _logger.info(
            "Smart Dairy IoT demo: %d devices, %d readings, %d meter sessions in %.1f s",
            len(devices),
            result.accepted,
            sessions,
            time.perf_counter() - started,
        )
        return True

    def _demo_sensor_quality(self, now):
        """The sensor store's data quality checks run on the new readings, and the
        day's quality scores and their KPIs follow (the other checks ran with the
        KPI demo, before the store existed)."""
        checks = self.env["smart.dairy.quality.check"].search([("source", "=", "sensor")])
        checks._run_checks(now)
        self.env["smart.dairy.quality.score"]._record_scores(now)
        kpis = self.env["smart.dairy.kpi"].search([("fact_model", "=", "smart.dairy.fact.quality")])
        self.env["smart.dairy.kpi.run"]._run(
            kpis, "manual", commit=False, date_from=now.date(), date_to=now.date()
        )

    def _demo_meter_sessions(self, meter, end):
        """The meter's sessions of the last METER_DAYS on its farm, made from the farm
        demo's milking records of those days (same volume, fat, protein and cells):
        the records are replaced by the ones the sync cron makes from the sessions,
        linked to the meter, so production and quality figures do not move."""
        if not meter:
            return 0
        Milking = self.env["smart.dairy.milking"]
        company = meter.company_id
        tz = company.partner_id.tz or "UTC"
        today = end.astimezone(ZoneInfo(tz)).date()
        records = Milking.search(
            [
                ("farm_id", "=", meter.farm_id.id),
                ("date", ">", today - dt.timedelta(days=METER_DAYS)),
            ]
        )
        by_milking = {
            telemetry.DemoMilking(
                r.animal_id.ear_tag, r.date, r.session, r.volume, r.fat_pct, r.protein_pct, r.scc
            ): r
            for r in records
        }
        sessions = telemetry.meter_sessions(meter.identifier, list(by_milking), tz, until=end)
        Milking.union(*(by_milking[milking] for milking, _row in sessions)).unlink()
        rows = [row for _milking, row in sessions]
        result = intake.take(
            self.env.cr,
            "milking",
            [(None, rows)],
            meter._intake_registry(company.ids),
            end,
            meter._store_is_plain(),
            policy=validation.IntakePolicy(max_batch=max(len(rows), 1)),
            source="demo",
        )
        events.record(self.env.cr, result, end)
        Milking._cron_sync_meter_sessions(commit=False)
        return result.accepted
