import datetime

from odoo import fields
from odoo.tests import TransactionCase, tagged

DASHBOARDS = ("executive", "sales", "farm", "quality", "finance")
FILTERS = {"preset": "last_30_days"}


@tagged("post_install", "-at_install")
class TestDrilldownMatchesCard(TransactionCase):
    """Every shipped widget of the shipped dashboards, on the demo data: the records
    its drill-down lists add up to the figure it shows (for ratios, the numerator,
    checked by dividing by the denominator's own records)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.env.ref("base.user_admin")
        cls.Dashboard = cls.env["smart.dairy.dashboard"].with_user(cls.admin)
        today = fields.Date.context_today(cls.Dashboard)
        # Materialise the demo's values now, so they and the facts are of one moment.
        cls.env["smart.dairy.kpi.run"]._run(
            cls.env["smart.dairy.kpi"].search([]),
            "manual",
            commit=False,
            date_from=today - datetime.timedelta(days=70),
            date_to=today,
        )
        cls.checked = 0
        cls.nonzero = 0

    def drilled(self, action):
        return action["domain"] + [c for facet in action["facets"] for c in facet["domain"]]

    def records(self, action):
        return self.Dashboard.env[action["res_model"]].search(self.drilled(action))

    @staticmethod
    def aggregate(records, measure, function):
        if function == "count":
            return len(records)
        values = records.mapped(measure)
        if function == "count_distinct":
            return len(values) if hasattr(values, "_name") else len(set(values) - {False})
        if not values:
            return None
        return {"sum": sum, "min": min, "max": max}.get(function, lambda v: sum(v) / len(v))(values)

    def denominator(self, kpi, action, breakdown):
        """The ratio's denominator over the same dates, companies and slice."""
        Fact = self.Dashboard.env[kpi.denominator_fact_model or kpi.fact_model]
        same = [
            c for facet in action["facets"] for c in facet["domain"]
            if c[0] == "date" or (breakdown and c[0] == breakdown)
        ]  # fmt: skip
        domain = action["domain"] + same + kpi._parse_domain(kpi.denominator_domain, "denominator")
        records = Fact.search(domain)
        if kpi.denominator_aggregation == "count":
            return len(records)
        return sum(records.mapped(kpi.denominator_measure))

    def check(self, widget, code, shown, period_start=None, dimension_value=None):
        kpi = self.Dashboard.env["smart.dairy.kpi"].search([("code", "=", code)])
        label = f"{widget['title']} / {code} / {period_start or ''} {dimension_value or ''}"
        if kpi.kind == "formula":
            return  # A formula's figure is no sum of records: it opens its first input.
        action = self.Dashboard.action_drilldown(
            widget["id"], code, FILTERS, period_start, dimension_value
        )
        self.assertTrue(action["name"].startswith(widget["title"]), label)
        self.assertEqual(len(action["facets"]), 1, label)
        self.assertTrue(action["facets"][0]["description"].startswith(widget["title"]), label)
        records = self.records(action)
        figure = self.aggregate(records, kpi.measure, kpi.aggregation)
        self.__class__.checked += 1
        if kpi.aggregation == "count_distinct":
            self.assertEqual(action["context"]["group_by"], [kpi.measure], label)
        if kpi.kind == "ratio":
            denominator = self.denominator(kpi, action, widget["breakdown"])
            if shown is None:
                self.assertFalse(figure and denominator, label)
                return
            figure = (figure or 0.0) / denominator * (kpi.scale or 1.0)  # no numerator rows: 0
        elif shown is None:
            self.assertFalse(figure, label)
            return
        if shown:
            self.__class__.nonzero += 1
        self.assertAlmostEqual(figure, shown, delta=abs(shown) * 1e-6 + 1e-6, msg=label)

    def check_widget(self, widget):
        data = widget["data"]
        kind = widget["type"]
        if kind == "section":
            return  # a heading: no figure
        if kind == "kpi_card":
            self.check(widget, widget["kpis"][0]["code"], data["current"]["value"])
        elif kind == "gauge":
            self.check(widget, widget["kpis"][0]["code"], data["value"])
        elif kind == "heatmap":
            for key, row in zip(data["y_keys"], data["values"], strict=True):
                self.check_heatmap_row(widget, key, row)
        elif data.get("over_time"):
            for dataset in data["datasets"]:
                points = list(zip(data["periods"], dataset["values"], strict=True))
                for period, value in {points[0], points[len(points) // 2], points[-1]}:
                    self.check(
                        widget, dataset["code"], value, period_start=period,
                        dimension_value=dataset["dimension_value"],
                    )  # fmt: skip
        elif widget["breakdown"]:
            for dataset in data["datasets"]:
                for key, value in zip(data["keys"], dataset["values"], strict=True):
                    self.check(widget, dataset["code"], value, dimension_value=key)
        else:
            for dataset in data["datasets"]:
                points = list(zip(data["periods"], dataset["values"], strict=True))
                # The first, a middle and the last period: enough to catch a wrong slice.
                for period, value in {points[0], points[len(points) // 2], points[-1]}:
                    self.check(widget, dataset["code"], value, period_start=period)

    def check_heatmap_row(self, widget, key, row):
        """A heatmap row opens its records over the range; its cells are the mean
        daily sum of those records per weekday."""
        kpi = self.Dashboard.env["smart.dairy.kpi"].search(
            [("code", "=", widget["kpis"][0]["code"])]
        )
        self.assertEqual((kpi.kind, kpi.aggregation), ("aggregate", "sum"))
        action = self.Dashboard.action_drilldown(widget["id"], kpi.code, FILTERS, None, key)
        daily = {}
        for record in self.records(action):
            daily[record.date] = daily.get(record.date, 0.0) + record[kpi.measure]
        for weekday, shown in enumerate(row):
            values = [v for day, v in daily.items() if day.weekday() == weekday]
            figure = sum(values) / len(values) if values else None
            if shown is None:
                self.assertIsNone(figure)
                continue
            self.__class__.checked += 1
            self.__class__.nonzero += bool(shown)
            self.assertAlmostEqual(figure, shown, delta=abs(shown) * 1e-6 + 1e-6)

    def test_every_shipped_widget_drills_into_its_figure(self):
        for name in DASHBOARDS:
            dashboard = self.env.ref(f"smart_dairy_bi.dashboard_{name}")
            result = self.Dashboard.get_dashboard_data(dashboard.id, FILTERS)
            self.assertEqual(len(result["widgets"]), len(dashboard.widget_ids))
            for widget in result["widgets"]:
                with self.subTest(dashboard=name, widget=widget["title"]):
                    self.check_widget(widget)
        # Not vacuous: most widgets were checked, and against figures that are there.
        self.assertGreater(self.checked, 60)
        self.assertGreater(self.nonzero, 40)

    def test_premium_milk_opens_the_premium_milkings_only(self):
        card = self.env.ref("smart_dairy_bi.dashboard_executive_card_premium_rate")
        action = self.Dashboard.action_drilldown(card.id, "QUALITY_PREMIUM_RATE", FILTERS)
        self.assertEqual(action["name"].split(":")[0], "Premium Milk")
        premium = self.records(action)
        self.assertTrue(premium)
        self.assertTrue(all(premium.mapped("premium_volume")))
        dates = [c for c in action["facets"][0]["domain"] if c[0] == "date"]
        everything = self.Dashboard.env["smart.dairy.fact.milk"].search(action["domain"] + dates)
        self.assertLess(len(premium), len(everything))
