import datetime
import json

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from ..models.smart_dairy_dashboard_widget import BUILTIN_TYPES
from .common import KpiCase


class DashboardCase(KpiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Dashboard = cls.env["smart.dairy.dashboard"]
        cls.kpi = {kpi.code: kpi for kpi in cls.Kpi.search([])}
        cls.dim = {dim.field_name: dim for dim in cls.env["smart.dairy.kpi.dimension"].search([])}
        cls.week = {
            "preset": "custom",
            "date_from": (cls.today - datetime.timedelta(days=6)).isoformat(),
            "date_to": cls.today.isoformat(),
        }

    @classmethod
    def _dashboard(cls, widgets, **values):
        return cls.Dashboard.create(
            {
                "name": "Test dashboard",
                "widget_ids": [Command.create(widget) for widget in widgets],
                **values,
            }
        )

    @classmethod
    def _widget(cls, title, kind, codes, breakdown=None, **values):
        return {
            "title": title,
            "widget_type": kind,
            "kpi_ids": [Command.set([cls.kpi[code].id for code in codes])],
            "breakdown_id": cls.dim[breakdown].id if breakdown else False,
            "width": 6,
            **values,
        }

    @staticmethod
    def drilled(action):
        """The domain a drill-down lists: the action's, and that of its facets."""
        return action["domain"] + [c for facet in action["facets"] for c in facet["domain"]]

    def both_companies(self):
        return self.Dashboard.with_context(
            allowed_company_ids=(self.company_a | self.company_b).ids
        )


@tagged("post_install", "-at_install")
class TestDashboardData(DashboardCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dashboard = cls._dashboard(
            [
                cls._widget("Milk", "kpi_card", ["PRODUCTION"]),
                cls._widget("Customers", "kpi_card", ["ACTIVE_CUSTOMERS"]),
                cls._widget("Trend", "line", ["PRODUCTION", "LITRES_PER_COW"], show_target=True),
                cls._widget("By farm", "bar", ["PRODUCTION"], "farm_id"),
                cls._widget("Top farm", "table", ["PRODUCTION"], "farm_id", top_n=1),
                cls._widget("Grades", "pie", ["PRODUCTION"], "quality_grade"),
                cls._widget("Week", "heatmap", ["PRODUCTION"], "farm_id"),
                cls._widget("Gauge", "gauge", ["QUALITY_PREMIUM_RATE"]),
            ]
        )
        cls.widgets = {widget.title: widget for widget in cls.dashboard.widget_ids}
        production = cls.kpi["PRODUCTION"]
        daily = production.target_ids.filtered(
            lambda t: t.grain == "day" and not (t.company_id or t.period_start or t.dimension_id)
        )
        if daily:
            daily.target = 100.0
        else:
            production.target_ids = [Command.create({"grain": "day", "target": 100.0})]
        codes = ["PRODUCTION", "LITRES_PER_COW", "QUALITY_PREMIUM_RATE", "ACTIVE_CUSTOMERS"]
        cls.env["smart.dairy.kpi.run"]._run(
            cls.Kpi.search([("code", "in", codes)]),
            "manual",
            commit=False,
            date_from=cls.today - datetime.timedelta(days=40),
            date_to=cls.today,
        )

    def data(self, dashboard=None, filters=None, model=None):
        model = model if model is not None else self.Dashboard.with_user(self.user)
        result = model.get_dashboard_data((dashboard or self.dashboard).id, filters)
        json.dumps(result)  # what the client receives must be JSON
        return {widget["title"]: widget for widget in result["widgets"]}, result

    def test_values_match_the_kpi_api(self):
        widgets, result = self.data(filters=self.week)
        self.assertEqual(result["grain"], "day")
        self.assertEqual(result["filters"]["date_to"], self.today.isoformat())
        expected = self.Kpi.with_user(self.user).get_values(
            ["PRODUCTION", "LITRES_PER_COW"], "day", self.week["date_from"], self.today
        )
        card = widgets["Milk"]
        self.assertEqual(card["data"]["current"], expected["PRODUCTION"]["current"])
        self.assertAlmostEqual(card["data"]["current"]["value"], 120.0)  # company A only
        self.assertAlmostEqual(card["data"]["current"]["target"], 700.0)  # 7 days x 100
        self.assertEqual(
            card["data"]["series"], [p["value"] for p in expected["PRODUCTION"]["points"]]
        )
        self.assertEqual(len(card["data"]["labels"]), 7)
        self.assertFalse(card["empty"])
        line = widgets["Trend"]["data"]
        self.assertEqual(line["periods"][-1], self.today.isoformat())
        for dataset in line["datasets"]:
            points = expected[dataset["code"]]["points"]
            self.assertEqual(dataset["values"], [p["value"] for p in points])
            self.assertEqual(dataset["targets"], [p["target"] for p in points])
        self.assertEqual(
            [k["code"] for k in widgets["Trend"]["kpis"]], ["PRODUCTION", "LITRES_PER_COW"]
        )
        self.assertEqual(widgets["Trend"]["kpis"][0]["fact_model"], "smart.dairy.fact.milk")
        gauge = widgets["Gauge"]["data"]
        premium = self.Kpi.with_user(self.user).get_values(
            ["QUALITY_PREMIUM_RATE"], "day", self.week["date_from"], self.today
        )["QUALITY_PREMIUM_RATE"]["current"]
        self.assertAlmostEqual(gauge["value"], premium["value"])
        self.assertAlmostEqual(gauge["value"], 100.0)  # all of company A's milk is premium
        self.assertEqual(gauge["max"], 100.0)

    def test_distinct_count_card_counts_the_range(self):
        # In the week: the corner shop today (setUp) and again 3 days ago, a farm shop
        # 2 days ago. Counted by hand: 2 customers, though the days' counts add up to 3.
        farm_shop = self.env["res.partner"].create({"name": "Farm Shop", "is_company": True})
        again = self._order(self.company_a, quantity=1, price=2.0)
        other = self._order(self.company_a, quantity=1, price=2.0, partner=farm_shop)
        now = datetime.datetime.now()
        again.date_order = now - datetime.timedelta(days=3)
        other.date_order = now - datetime.timedelta(days=2)
        self.env["smart.dairy.kpi.run"]._run(
            self.Kpi.search([("code", "=", "ACTIVE_CUSTOMERS")]),
            "manual",
            commit=False,
            date_from=self.today - datetime.timedelta(days=20),
            date_to=self.today,
        )
        widgets, _result = self.data(filters=self.week)
        card = widgets["Customers"]
        self.assertEqual(card["data"]["current"]["value"], 2.0)
        self.assertEqual(sum(v for v in card["data"]["series"] if v), 3.0)
        self.assertIsNone(card["data"]["current"]["previous"])  # no order the week before
        api = self.Kpi.with_user(self.user).get_values(
            ["ACTIVE_CUSTOMERS"], "day", self.week["date_from"], self.today
        )["ACTIVE_CUSTOMERS"]["current"]
        self.assertEqual(api, card["data"]["current"])
        # Each day alone still reads its stored count.
        self.assertEqual(card["data"]["series"][-1], 1.0)

    def test_region_and_category_filters_combine(self):
        Region = self.env["smart.dairy.region"]
        north, south = Region.create([{"name": "N", "code": "T-N"}, {"name": "S", "code": "T-S"}])
        cheese, butter = self.env["product.category"].create([{"name": "C"}, {"name": "B"}])
        Product = self.env["product.product"]
        brie = Product.create({"name": "Brie", "categ_id": cheese.id, "type": "consu"})
        ghee = Product.create({"name": "Ghee", "categ_id": butter.id, "type": "consu"})
        Partner = self.env["res.partner"]
        up = Partner.create({"name": "Up", "is_company": True, "dairy_region_id": north.id})
        down = Partner.create({"name": "Down", "is_company": True, "dairy_region_id": south.id})
        for partner, lines in ((up, [(brie, 3, 5.0), (ghee, 2, 7.0)]), (down, [(brie, 4, 5.0)])):
            self.env["sale.order"].with_company(self.company_a).create(
                {
                    "partner_id": partner.id,
                    "company_id": self.company_a.id,
                    "order_line": [
                        Command.create({"product_id": product.id, "product_uom_qty": qty,
                                        "price_unit": price, "tax_ids": [Command.clear()]})
                        for product, qty, price in lines
                    ],
                }
            ).action_confirm()  # fmt: skip
        self.env["smart.dairy.kpi.run"]._run(
            self.Kpi.search([("code", "in", ["REVENUE", "ACTIVE_CUSTOMERS"])]),
            "manual",
            commit=False,
            date_from=self.today - datetime.timedelta(days=20),
            date_to=self.today,
        )
        dashboard = self._dashboard(
            [
                self._widget("Sales", "kpi_card", ["REVENUE"]),
                self._widget("Buyers", "kpi_card", ["ACTIVE_CUSTOMERS"]),
                self._widget("Trend", "line", ["REVENUE"]),
            ]
        )
        filters = {**self.week, "region_ids": north.ids, "categ_ids": cheese.ids}
        widgets, _result = self.data(dashboard, filters)
        # By hand: the north buyer's cheese, 3 x 5.00 = 15.00; not its butter (2 x 7.00),
        # not the south buyer's cheese (4 x 5.00), not the corner shop (no region).
        self.assertEqual(widgets["Sales"]["data"]["current"]["value"], 15.0)
        self.assertEqual(widgets["Sales"]["note"], "")
        self.assertEqual(widgets["Buyers"]["data"]["current"]["value"], 1.0)
        self.assertEqual(widgets["Trend"]["data"]["datasets"][0]["values"][-1], 15.0)
        only_north, _result = self.data(dashboard, {**self.week, "region_ids": north.ids})
        self.assertEqual(only_north["Sales"]["data"]["current"]["value"], 29.0)  # 15 + 14
        action = self.Dashboard.with_user(self.user).action_drilldown(
            widgets["Sales"]["id"], "REVENUE", filters, None, None
        )
        lines = self.env[action["res_model"]].search(self.drilled(action))
        self.assertEqual(sum(lines.mapped("gross_amount")), 15.0)

    def test_breakdown_widgets_rank_dimension_values(self):
        widgets, _result = self.data(filters=self.week, model=self.both_companies())
        bar = widgets["By farm"]["data"]
        self.assertEqual(bar["breakdown"], "farm_id")
        self.assertEqual(bar["keys"], [str(self.farm_a.id), str(self.farm_b.id)])
        self.assertEqual(bar["labels"], ["Farm FA", "Farm FB"])
        self.assertEqual(bar["datasets"][0]["values"], [120.0, 44.0])
        table = widgets["Top farm"]["data"]
        self.assertEqual(table["keys"], [str(self.farm_a.id)])
        grades = widgets["Grades"]["data"]
        # Company A's milk is premium, company B's grade B (SCC 500,000).
        self.assertEqual(grades["keys"], ["premium", "b"])
        self.assertEqual(grades["datasets"][0]["values"], [120.0, 44.0])
        self.assertEqual(grades["labels"][0], "Premium")
        heatmap = widgets["Week"]["data"]
        self.assertEqual(len(heatmap["x_labels"]), 7)
        self.assertEqual(heatmap["y_keys"], [str(self.farm_a.id), str(self.farm_b.id)])
        row = heatmap["values"][0]
        self.assertEqual(row[self.today.weekday()], 120.0)
        self.assertEqual(sum(value is None for value in row), 6)

    def test_top_n_tables_show_growth_against_the_previous_period(self):
        # Farm A also milked 9 days ago, in the week before the one shown: 3 cows x 2 x 15 L
        self._milk(self.cows_a, 15.0, 100_000, self.today - datetime.timedelta(days=9))
        self.materialise(["PRODUCTION"])
        table = self.data(filters=self.week)[0]["Top farm"]["data"]["datasets"][0]
        self.assertEqual((table["values"], table["previous"]), ([120.0], [90.0]))
        self.assertAlmostEqual(table["growth"][0], (120.0 - 90.0) / 90.0)
        # the card of the farm says the same
        card = self.Kpi.with_user(self.user).get_values(
            ["PRODUCTION"], "day", self.week["date_from"], self.week["date_to"], "farm_id",
            [str(self.farm_a.id)],
        )["PRODUCTION"]["current"]  # fmt: skip
        self.assertEqual((card["value"], card["previous"]), (120.0, 90.0))
        self.assertAlmostEqual(card["delta_previous_pct"], table["growth"][0])

    def test_dimension_filters_apply_where_the_kpi_has_them(self):
        model = self.both_companies()
        filters = dict(self.week, farm_ids=[self.farm_b.id])
        widgets, result = self.data(filters=filters, model=model)
        self.assertEqual(result["filters"]["farm_ids"], [self.farm_b.id])
        expected = model.env["smart.dairy.kpi"].get_values(
            ["PRODUCTION"], "day", self.week["date_from"], self.today, "farm_id",
            [str(self.farm_b.id)],
        )["PRODUCTION"]  # fmt: skip
        self.assertEqual(widgets["Milk"]["data"]["current"], expected["current"])
        self.assertAlmostEqual(widgets["Milk"]["data"]["current"]["value"], 44.0)
        self.assertEqual(widgets["Milk"]["note"], "")
        self.assertEqual(widgets["By farm"]["data"]["keys"], [str(self.farm_b.id)])
        # The active customers KPI has no farm breakdown: unfiltered, and it says so.
        self.assertIn("farm filter does not apply", widgets["Customers"]["note"])
        filters["team_ids"] = [self.env.ref("sales_team.team_sales_department").id]
        widgets, _result = self.data(filters=filters, model=model)
        self.assertAlmostEqual(widgets["Milk"]["data"]["current"]["value"], 44.0)
        self.assertRegex(widgets["Milk"]["note"], "Filtered by farm only.*channel")

    def test_saved_filters_are_reused_per_user(self):
        as_user = self.Dashboard.with_user(self.user)
        saved = as_user.save_filters(
            self.dashboard.id, {"preset": "last_7_days", "farm_ids": [str(self.farm_a.id)]}
        )
        self.assertEqual(saved["farm_ids"], [self.farm_a.id])
        as_user.save_filters(self.dashboard.id, {"preset": "yesterday"})
        as_user.save_filters(
            self.dashboard.id, {"preset": "last_7_days", "farm_ids": [self.farm_a.id]}
        )
        records = self.env["smart.dairy.dashboard.filter"].search(
            [("dashboard_id", "=", self.dashboard.id)]
        )
        self.assertEqual(len(records), 1)
        widgets, result = self.data()
        self.assertEqual(result["filters"]["preset"], "last_7_days")
        self.assertEqual(result["filters"]["farm_ids"], [self.farm_a.id])
        self.assertEqual(
            result["filters"]["date_from"], (self.today - datetime.timedelta(days=6)).isoformat()
        )
        self.assertAlmostEqual(widgets["Milk"]["data"]["current"]["value"], 120.0)
        # Another user still gets the dashboard's default period, and not the record.
        _widgets, other = self.data(model=self.Dashboard.with_user(self.analyst))
        self.assertEqual(other["filters"]["preset"], "last_30_days")
        self.assertEqual(other["filters"]["farm_ids"], [])
        self.assertFalse(
            self.env["smart.dairy.dashboard.filter"].with_user(self.analyst).search([])
        )

    def test_the_filter_panel_is_offered_what_the_filters_take(self):
        """The presets and dimension filters the data lists for the filter panel are
        those the filters take: each listed dimension is a key of the filters (and of
        a schedule's), each listed preset loads, and dashboards default to them."""
        _widgets, result = self.data(filters=self.week)
        options = result["filter_options"]
        keys = {dimension["key"] for dimension in options["dimensions"]}
        self.assertEqual(keys, set(result["filters"]) - {"preset", "date_from", "date_to"})
        self.assertTrue(all(dimension["model"] in self.env for dimension in options["dimensions"]))
        schedule = self.env["smart.dairy.report.schedule"].new({"preset": "yesterday"})
        self.assertEqual(set(schedule._filters()) - {"preset"}, keys)
        presets = [key for key, _label in options["presets"]]
        self.assertEqual(presets[-1], "custom")
        defaults = self.Dashboard._fields["default_preset"].selection
        self.assertEqual([key for key, _label in defaults], presets[:-1])
        for preset in presets[:-1]:
            _widgets, loaded = self.data(filters={"preset": preset})
            self.assertEqual(loaded["filters"]["preset"], preset)
            self.assertLessEqual(loaded["filters"]["date_from"], loaded["filters"]["date_to"])

    def test_bad_filters_are_refused_in_plain_words(self):
        with self.assertRefused("needs date_from and date_to", UserError):
            self.data(filters={"preset": "custom", "date_from": "2026-02-01"})
        with self.assertRefused("'fortnight' is not one of", UserError):
            self.data(filters={"preset": "fortnight"})

    def test_drilldown_opens_the_records_behind_a_value(self):
        model = self.both_companies()
        bar = self.widgets["By farm"]
        action = model.action_drilldown(
            bar.id, "PRODUCTION", self.week, dimension_value=str(self.farm_b.id)
        )
        self.assertEqual(action["res_model"], "smart.dairy.fact.milk")
        self.assertEqual([view for _id, view in action["views"]], ["list", "pivot", "graph"])
        facts = model.env["smart.dairy.fact.milk"].search(self.drilled(action))
        self.assertEqual(len(facts), len(self.milkings_b))
        self.assertAlmostEqual(sum(facts.mapped("volume")), 44.0)
        # A point of the trend: that day, the user's company only.
        trend = self.widgets["Trend"]
        action = self.Dashboard.with_user(self.user).action_drilldown(
            trend.id, "PRODUCTION", self.week, period_start=self.today.isoformat()
        )
        facts = self.env["smart.dairy.fact.milk"].search(self.drilled(action))
        self.assertEqual(facts.mapped("company_id"), self.company_a)
        self.assertEqual(len(facts), len(self.milkings_a))
        yesterday = self.today - datetime.timedelta(days=1)
        action = self.Dashboard.with_user(self.user).action_drilldown(
            trend.id, "PRODUCTION", self.week, period_start=yesterday.isoformat()
        )
        self.assertFalse(self.env["smart.dairy.fact.milk"].search_count(self.drilled(action)))
        # A card with a farm filter: the filtered farm's records over the range.
        card = self.widgets["Milk"]
        action = model.action_drilldown(
            card.id, "PRODUCTION", dict(self.week, farm_ids=[self.farm_a.id])
        )
        self.assertEqual(model.env["smart.dairy.fact.milk"].search_count(self.drilled(action)), 6)
        # A grade slice: a selection value.
        action = model.action_drilldown(
            self.widgets["Grades"].id, "PRODUCTION", self.week, dimension_value="b"
        )
        self.assertEqual(model.env["smart.dairy.fact.milk"].search_count(self.drilled(action)), 4)

    def test_drilldown_keeps_the_kpi_filter(self):
        dashboard = self._dashboard([self._widget("Feed", "kpi_card", ["FEED_CONVERSION"])])
        action = self.Dashboard.action_drilldown(
            dashboard.widget_ids.id, "FEED_CONVERSION", self.week
        )
        self.assertEqual(action["res_model"], "smart.dairy.fact.feed")
        self.assertIn(("categ_name", "=", "Concentrates"), self.drilled(action))

    def test_shipped_dashboards_load(self):
        for name in ("executive", "sales", "farm", "quality", "finance"):
            dashboard = self.env.ref(f"smart_dairy_bi.dashboard_{name}")
            _widgets, result = self.data(dashboard)
            self.assertEqual(result["dashboard"]["id"], dashboard.id)
            # Widget types of other addons (forecasts) follow their own company rules.
            own = dashboard.widget_ids.filtered(lambda w: w.widget_type in BUILTIN_TYPES)
            shown = [w for w in result["widgets"] if w["type"] in BUILTIN_TYPES]
            self.assertEqual(len(shown), len(own))
            for widget in result["widgets"]:
                self.assertLessEqual(widget["col"] + widget["width"], 12)
                self.assertIn("empty", widget)
        widgets, _result = self.data(self.env.ref("smart_dairy_bi.dashboard_executive"))
        cards = [w["kpis"][0]["code"] for w in widgets.values() if w["type"] == "kpi_card"]
        self.assertEqual(
            cards,
            ["REVENUE", "ORDERS", "PRODUCTION", "GROSS_MARGIN", "ACTIVE_CUSTOMERS",
             "QUALITY_PREMIUM_RATE"],
        )  # fmt: skip
        self.assertAlmostEqual(widgets["Production"]["data"]["current"]["value"], 120.0)
        self.assertEqual(widgets["Top Products"]["options"]["top_n"], 10)


@tagged("post_install", "-at_install")
class TestDashboardWidgetRules(DashboardCase):
    def assertWidgetRefused(self, pattern, **values):
        widget = {**self._widget("Bad", "bar", ["PRODUCTION"]), **values}
        with self.assertRefused(pattern, ValidationError):
            self._dashboard([widget])

    def test_layout_stays_on_the_grid(self):
        self.assertWidgetRefused("runs past the 12th column", col=8, width=6)
        self.assertWidgetRefused("1 to 12 columns wide", width=0)
        self.assertWidgetRefused("column from 0 to 11", col=12, width=1)
        self.assertWidgetRefused("height of at least 1", height=0)
        dashboard = self._dashboard([self._widget("Fits", "bar", ["PRODUCTION"], col=6)])
        self.assertEqual(dashboard.widget_ids.width, 6)

    def test_content_fits_the_widget_type(self):
        two = [Command.set([self.kpi["PRODUCTION"].id, self.kpi["AVG_SCC"].id])]
        self.assertWidgetRefused("exactly one KPI", widget_type="kpi_card", kpi_ids=two)
        self.assertWidgetRefused("exactly one KPI", widget_type="gauge", kpi_ids=two)
        self.assertWidgetRefused("at least one KPI", kpi_ids=[Command.clear()])
        self.assertWidgetRefused("not computed by Product", breakdown_id=self.dim["product_id"].id)
        self.assertWidgetRefused("needs a breakdown", widget_type="pie")
        self.assertWidgetRefused(
            "remove the breakdown",
            widget_type="kpi_card",
            breakdown_id=self.dim["farm_id"].id,
        )
        self.assertWidgetRefused(
            "daily grain",
            widget_type="heatmap",
            breakdown_id=self.dim["farm_id"].id,
            grain="month",
        )
        self.assertWidgetRefused("not computed at that grain", grain="week")
        self.assertWidgetRefused("Second Axis", widget_type="line", secondary_axis=True)
        self.assertWidgetRefused(
            "plots two KPIs against each other", widget_type="scatter",
            breakdown_id=self.dim["farm_id"].id,
        )  # fmt: skip
        self.assertWidgetRefused("needs a breakdown", widget_type="scatter", kpi_ids=two)
        self.assertWidgetRefused("heading across the dashboard", widget_type="section", width=12)
        section = {**self._widget("Heading", "section", []), "width": 12}
        self.assertFalse(self._dashboard([section]).widget_ids.kpi_ids)
        self.assertWidgetRefused(
            "heading across the dashboard", widget_type="section", kpi_ids=[Command.clear()]
        )
        self.assertWidgetRefused(
            "one KPI over time per Farm", widget_type="area", kpi_ids=two,
            breakdown_id=self.dim["farm_id"].id,
        )  # fmt: skip
        self.assertWidgetRefused(
            "Second Axis", widget_type="bar", kpi_ids=two, secondary_axis=True,
            breakdown_id=self.dim["farm_id"].id,
        )  # fmt: skip
