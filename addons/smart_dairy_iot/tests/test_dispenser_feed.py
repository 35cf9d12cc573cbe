import datetime as dt

from odoo.tests import TransactionCase, tagged

from .common import IotFleetMixin

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@tagged("post_install", "-at_install")
class TestDispenserFeed(IotFleetMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._fleet()
        cls.company_b.partner_id.tz = "America/New_York"  # UTC-5 in March before the 8th
        Product = cls.env["product.product"]
        cls.silage_a = Product.create(
            {"name": "Silage A", "standard_price": 0.5, "company_id": cls.company_a.id}
        )
        cls.silage_b = Product.create(
            {"name": "Silage B", "standard_price": 0.4, "company_id": cls.company_b.id}
        )
        Device = cls.env["smart.dairy.iot.device"]
        cls.dispenser_a = Device.create(
            {"identifier": "iot-disp-a", "type": "dispenser", "farm_id": cls.farm_a.id,
             "feed_product_id": cls.silage_a.id}
        )  # fmt: skip
        cls.dispenser_b = Device.create(
            {"identifier": "iot-disp-b", "type": "dispenser", "farm_id": cls.farm_b.id,
             "feed_product_id": cls.silage_b.id}
        )  # fmt: skip
        cls.idle = Device.create(
            {"identifier": "iot-disp-idle", "type": "dispenser", "farm_id": cls.farm_a.id}
        )
        cls.Feed = cls.env["smart.dairy.feed"]

    def _feed(self, device, *readings):
        """Take in ``(UTC time text, kg)`` feed readings of ``device``."""
        rows = [{"metric": "feed", "value": kg, "time": at} for at, kg in readings]
        return self.take_readings(device, rows, NOW)

    def _records(self, device):
        return self.Feed.search([("iot_device_id", "=", device.id)], order="date")

    def test_finished_days_become_feed_records_at_the_feeds_cost(self):
        result = self._feed(
            self.dispenser_a,
            ("2026-03-08T06:00:00+00:00", 10.0),
            ("2026-03-08T18:00:00+00:00", 12.5),
            ("2026-03-08T19:00:00+00:00", 70.0),  # beyond the 50 kg limit: rejected
            ("2026-03-09T06:00:00+00:00", 8.0),
            ("2026-03-10T06:00:00+00:00", 5.0),  # today: not finished yet
        )
        self.assertEqual((result.accepted, len(result.rejected)), (4, 1))
        self._feed(self.idle, ("2026-03-08T06:00:00+00:00", 3.0))
        self.assertEqual(self.Feed._cron_sync_dispensers(NOW), (2, 0))
        records = self._records(self.dispenser_a)
        # 10 + 12.5 = 22.5 kg at 0.50 = 11.25; 8 kg at 0.50 = 4.00
        self.assertEqual(
            [(str(r.date), r.quantity, r.cost) for r in records],
            [("2026-03-08", 22.5, 11.25), ("2026-03-09", 8.0, 4.0)],
        )
        self.assertEqual(records.farm_id, self.farm_a)
        self.assertEqual(records.product_id, self.silage_a)
        self.assertFalse(self._records(self.idle))  # no feed product: skipped
        # a rerun changes nothing; a late reading corrects its day
        self.assertEqual(self.Feed._cron_sync_dispensers(NOW), (0, 0))
        self._feed(self.dispenser_a, ("2026-03-09T20:00:00+00:00", 2.0))
        self.assertEqual(self.Feed._cron_sync_dispensers(NOW), (0, 1))
        self.assertEqual((records[1].quantity, records[1].cost), (10.0, 5.0))
        self.assertEqual(len(self._records(self.dispenser_a)), 2)

    def test_days_follow_the_companys_time_zone_and_companies_stay_apart(self):
        # 03:00 UTC on the 9th is 22:00 on the 8th in New York
        self._feed(self.dispenser_b, ("2026-03-09T03:00:00+00:00", 6.0))
        self._feed(self.dispenser_a, ("2026-03-09T03:00:00+00:00", 4.0))
        self.Feed._cron_sync_dispensers(NOW)
        self.assertEqual(str(self._records(self.dispenser_b).date), "2026-03-08")
        self.assertEqual(str(self._records(self.dispenser_a).date), "2026-03-09")
        seen_by_a = self.Feed.with_user(self.user_a).search([("iot_device_id", "!=", False)])
        self.assertEqual(seen_by_a.iot_device_id, self.dispenser_a)
