import csv
import io
import json

from odoo import Command
from odoo.tests import tagged

from .test_dashboard_data import DashboardCase


@tagged("post_install", "-at_install")
class TestDashboardFarmMap(DashboardCase):
    """The farm map widget: each farm's value and target placed from its coordinates,
    farms without coordinates listed as not placed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Farm A in Bristol; a second farm of company A in Manchester (further north);
        # farm B (company B) has no coordinates.
        cls.farm_a.write({"latitude": 51.4545, "longitude": -2.5879})
        cls.farm_c = cls._farm(cls.company_a, "FC", 800.0)
        cls.farm_c.write({"latitude": 53.4808, "longitude": -2.2426})
        cls.cows_c = cls._cows(cls.farm_c, 2)
        cls.milkings_c = cls._milk(cls.cows_c, volume=10.0, scc=150_000)
        production = cls.kpi["PRODUCTION"]
        cls.env["smart.dairy.kpi.target"].create(
            [
                {
                    "kpi_id": production.id,
                    "company_id": cls.company_a.id,
                    "grain": "day",
                    "dimension_id": cls.dim["farm_id"].id,
                    "dimension_value": str(farm.id),
                    "target": target,
                }
                for farm, target in ((cls.farm_a, 10.0), (cls.farm_c, 100.0))
            ]
        )
        cls.dashboard = cls._dashboard(
            [
                cls._widget("Map", "farm_map", ["PRODUCTION"], "farm_id"),
                cls._widget("By farm", "bar", ["PRODUCTION"], "farm_id", col=6),
            ]
        )
        cls.widgets = {widget.title: widget for widget in cls.dashboard.widget_ids}
        cls.materialise(cls, ["PRODUCTION"])

    def data(self, dashboard=None, filters=None, model=None):
        model = model if model is not None else self.Dashboard.with_user(self.user)
        result = model.get_dashboard_data((dashboard or self.dashboard).id, filters)
        json.dumps(result)  # what the client receives must be JSON
        return {widget["title"]: widget for widget in result["widgets"]}, result

    def test_each_farm_has_its_value_target_and_position(self):
        widgets, _result = self.data(filters=self.week)
        widget = widgets["Map"]
        self.assertEqual(widget["type"], "farm_map")
        self.assertFalse(widget["empty"])
        data = widget["data"]
        self.assertEqual((data["width"], data["height"]), (320, 220))
        farms = {farm["key"]: farm for farm in data["farms"]}
        a, c = farms[str(self.farm_a.id)], farms[str(self.farm_c.id)]
        self.assertEqual(
            [f["key"] for f in data["farms"]], [str(self.farm_a.id), str(self.farm_c.id)]
        )
        self.assertEqual((a["label"], c["label"]), ("Farm FA", "Farm FC"))
        self.assertAlmostEqual(a["value"], 120.0)  # 3 cows x 2 milkings x 20 L
        self.assertAlmostEqual(c["value"], 40.0)
        # Targets over the 7 days: 70 L met, 700 L missed.
        self.assertEqual((a["target"], a["status"]), (70.0, "met"))
        self.assertEqual((c["target"], c["status"]), (700.0, "missed"))
        self.assertTrue(data["has_targets"])
        # Positions inside the drawing; Manchester north of (above) Bristol and east of it.
        for farm in (a, c):
            self.assertTrue(0 < farm["x"] < 320 and 0 < farm["y"] < 220, farm)
        self.assertLess(c["y"], a["y"])
        self.assertGreater(c["x"], a["x"])
        self.assertEqual((a["latitude"], a["longitude"]), (51.4545, -2.5879))
        # The larger value, the larger circle.
        self.assertGreater(a["r"], c["r"])
        # Company B's farm is not among the user's figures at all.
        self.assertEqual(data["unplaced"], [])
        # The same figures as the bar of the same KPI by farm, for the exports.
        bar = widgets["By farm"]["data"]
        self.assertEqual(data["keys"], bar["keys"])
        self.assertEqual(data["datasets"][0]["values"], bar["datasets"][0]["values"])

    def test_a_farm_without_coordinates_is_reported_not_placed(self):
        widgets, _result = self.data(filters=self.week, model=self.both_companies())
        data = widgets["Map"]["data"]
        self.assertEqual(
            data["unplaced"], [{"key": str(self.farm_b.id), "label": "Farm FB", "value": 44.0}]
        )
        self.assertEqual(
            sorted(farm["key"] for farm in data["farms"]),
            sorted([str(self.farm_a.id), str(self.farm_c.id)]),
        )
        # The farm filter keeps the selected farms only.
        filters = dict(self.week, farm_ids=[self.farm_c.id])
        widgets, _result = self.data(filters=filters)
        data = widgets["Map"]["data"]
        self.assertEqual([farm["key"] for farm in data["farms"]], [str(self.farm_c.id)])
        # One farm alone sits in the middle of the drawing.
        self.assertEqual((data["farms"][0]["x"], data["farms"][0]["y"]), (160.0, 110.0))

    def test_without_targets_the_farms_have_no_status(self):
        self.env["smart.dairy.kpi.target"].search(
            [("company_id", "=", self.company_a.id), ("dimension_id", "!=", False)]
        ).unlink()
        widgets, _result = self.data(filters=self.week)
        data = widgets["Map"]["data"]
        self.assertEqual({farm["status"] for farm in data["farms"]}, {None})
        self.assertFalse(data["has_targets"])

    def test_clicking_a_farm_opens_its_records(self):
        action = self.Dashboard.with_user(self.user).action_drilldown(
            self.widgets["Map"].id, "PRODUCTION", self.week, dimension_value=str(self.farm_c.id)
        )
        self.assertEqual(action["res_model"], "smart.dairy.fact.milk")
        facts = self.env["smart.dairy.fact.milk"].search(self.drilled(action))
        self.assertEqual(facts.mapped("farm_id"), self.farm_c)
        self.assertAlmostEqual(sum(facts.mapped("volume")), 40.0)

    def test_exports_list_the_farms(self):
        model = self.Dashboard.with_user(self.user)
        _name, _type, content = model._export_file(self.dashboard.id, self.week, "csv")
        rows = [
            row for row in csv.DictReader(io.StringIO(content.decode())) if row["widget"] == "Map"
        ]
        self.assertEqual([row["label"] for row in rows], ["Farm FA", "Farm FC"])
        self.assertEqual([float(row["value"]) for row in rows], [120.0, 40.0])
        for fmt in ("xlsx", "pdf", "json"):
            _name, _type, content = model._export_file(self.dashboard.id, self.week, fmt)
            self.assertTrue(content, fmt)

    def test_configuration_errors_are_refused_in_plain_words(self):
        def refused(pattern, **values):
            widget = {**self._widget("Bad map", "farm_map", ["PRODUCTION"], "farm_id"), **values}
            with self.assertRefused(pattern):
                self._dashboard([widget])

        refused("needs the Farm breakdown", breakdown_id=False)
        refused("needs the Farm breakdown", breakdown_id=self.dim["region_id"].id)
        two = [Command.set([self.kpi["PRODUCTION"].id, self.kpi["AVG_SCC"].id])]
        refused("exactly one KPI", kpi_ids=two)
        by_farm = self.dim["farm_id"]
        other = self.Kpi.search([("dimension_ids", "not in", by_farm.ids)], limit=1)
        refused("not computed by Farm", kpi_ids=[Command.set(other.ids)])

    def test_the_form_offers_the_farm_breakdown(self):
        widget = self.env["smart.dairy.dashboard.widget"].new({"widget_type": "farm_map"})
        widget._onchange_widget_type()
        self.assertEqual(widget.breakdown_id, self.dim["farm_id"])

    def test_shipped_farm_operations_dashboard_has_a_map_of_litres(self):
        widget = self.env.ref("smart_dairy_bi.dashboard_farm_production_map")
        self.assertEqual(widget.widget_type, "farm_map")
        self.assertEqual(widget.kpi_ids, self.kpi["PRODUCTION"])
        widgets, _result = self.data(self.env.ref("smart_dairy_bi.dashboard_farm"))
        self.assertEqual(widgets[widget.title]["type"], "farm_map")
