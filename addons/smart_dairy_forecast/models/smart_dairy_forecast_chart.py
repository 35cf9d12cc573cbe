import pandas as pd
from smart_dairy.kpi import dashboard as layout

from odoo import api, fields, models

from odoo.addons.smart_dairy_bi.models.localised_format import period_label

# Pandas frequency of each configuration frequency (weeks start on Monday, as the
# history's weekly periods do) and the grain of its period labels.
PANDAS_FREQ = {"D": "D", "W": "W-MON", "MS": "MS"}
GRAIN = {"D": "day", "W": "week", "MS": "month"}
# Actuals shown before the forecast: this many horizons, at least MIN_ACTUALS periods.
ACTUAL_HORIZONS, MIN_ACTUALS = 3, 8
# The forecast line's figures the chart shows (dataset codes are the field names).
FIGURES = ("forecast", "lo_80", "hi_80", "lo_95", "hi_95")


class SmartDairyForecastConfig(models.Model):
    """The payloads of the dashboard's forecast widgets (see smart.dairy.dashboard.widget)."""

    _inherit = "smart.dairy.forecast.config"

    @api.private
    def _forecast_chart_payload(self, farm=None, product=None, filters=None):
        """Widget payload keys: the recent actuals and the latest done run's forecast
        with its bands, for one farm, one product (all warehouses), or the series the
        dashboard's ``filters`` keep (farms and regions for milk, product categories for
        demand), else the total. A sum's bands add the series' bands: a cautious width,
        as if the series moved together."""
        self.ensure_one()
        self.check_access("read")
        config = self.sudo()
        run = config._last_done_run()
        kpi = config._chart_kpi(product)
        if not run:
            return config._no_run_payload(kpi)
        keys, applied = config._series_filter(farm, product, filters or {})
        lines = run.line_ids.filtered(lambda line: keys(line.series_key))
        forecast = {}
        for line in lines:
            totals = forecast.setdefault(line.date, dict.fromkeys(FIGURES, 0.0))
            for code in FIGURES:
                totals[code] += line[code]
        cutoff = run._last_complete_day(run.as_of)
        actual = config._recent_actuals(run, keys)
        dates = sorted(set(actual) | set(forecast))
        start = min(forecast) if forecast else None
        grain = GRAIN[config.frequency]
        names = {
            "actual": self.env._("Actual"),
            "forecast": self.env._("Forecast"),
            "lo_80": self.env._("Low 80 %"),
            "hi_80": self.env._("High 80 %"),
            "lo_95": self.env._("Low 95 %"),
            "hi_95": self.env._("High 95 %"),
        }
        values = {"actual": [actual.get(d) for d in dates]}
        for code in FIGURES:
            values[code] = [round(forecast[d][code], 2) if d in forecast else None for d in dates]
        datasets = [
            {"code": code, "label": label, "values": values[code]} for code, label in names.items()
        ]
        data = {
            "view": "forecast",
            "state": "done",
            "config": config._chart_config(farm, product, applied),
            "run": {"id": run.id, "as_of": run.as_of.isoformat(), "model": run.models_chosen or ""},
            "cutoff": cutoff.isoformat(),
            "forecast_start": start.isoformat() if start else None,
            "labels": [period_label(self.env, d, grain) for d in dates],
            "periods": [d.isoformat() for d in dates],
            "datasets": datasets,
        }
        note = config._chart_note(run, applied)
        return {"data": data, "empty": not dates, "note": note, "kpis": [kpi]}

    @api.private
    def _error_trend_payload(self):
        """Widget payload keys: the realised WAPE of each done run whose forecasts met
        their actuals, against that run's backtest WAPE (both in percent)."""
        self.ensure_one()
        self.check_access("read")
        config = self.sudo()
        kpi = {**config._chart_kpi(None), "display_format": "percentage", "unit": "%"}
        kpi["name"] = self.env._("WAPE")
        if not config._last_done_run():
            return config._no_run_payload(kpi, view="error")
        runs = config.run_ids.filtered(lambda r: r.state == "done" and r.realised_periods)
        runs = runs.sorted(lambda r: (r.as_of, r.id))
        data = {
            "view": "error",
            "state": "done",
            "config": config._chart_config(None, None),
            "metric": "WAPE",
            "labels": [period_label(self.env, run.as_of, "day") for run in runs],
            "periods": [run.as_of.isoformat() for run in runs],
            "datasets": [
                {
                    "code": "realised_wape",
                    "label": self.env._("Realised WAPE"),
                    "values": [round(run.realised_wape * 100, 2) for run in runs],
                },
                {
                    "code": "backtest_wape",
                    "label": self.env._("Backtest WAPE"),
                    "values": [round(run.wape * 100, 2) for run in runs],
                },
            ],
        }
        if not runs:
            data["message"] = self.env._(
                "No forecast has met its actuals yet: the error shows after the next run."
            )
        note = self.env._(
            "%(config)s: error of each run's forecasts once their actuals were known; the "
            "dashboard's filters do not apply.",
            config=config.name,
        )
        return {"data": data, "empty": not runs, "note": note, "kpis": [kpi]}

    # ----------------------------------------------------------------- helpers

    def _last_done_run(self):
        return self.run_ids.filtered(lambda r: r.state == "done").sorted("id", reverse=True)[:1]

    def _no_run_payload(self, kpi, view="forecast"):
        """The empty state: no done run yet, in plain words (with the queued or failed
        run when there is one)."""
        latest = self.run_ids.sorted("id", reverse=True)[:1]
        if latest.state in ("pending", "running"):
            message = self.env._(
                "A forecast run of %(config)s is under way: the widget shows it when done.",
                config=self.name,
            )
        elif latest.state == "failed":
            message = self.env._(
                "The last forecast run of %(config)s failed (see Forecast Runs); nothing to "
                "show yet.",
                config=self.name,
            )
        else:
            message = self.env._(
                "%(config)s has not been run yet: the daily job runs it, or an Analytics "
                "Manager can run it now.",
                config=self.name,
            )
        data = {
            "view": view,
            "state": latest.state or "none",
            "config": self._chart_config(None, None),
            "message": message,
            "can_run": latest.state not in ("pending", "running"),
            "labels": [],
            "periods": [],
            "datasets": [],
        }
        return {"data": data, "empty": True, "note": "", "kpis": [kpi]}

    def _series_filter(self, farm, product, filters):
        """(A predicate on series keys ("farm:<id>", "<product id>:<warehouse id>"), the
        names of the dashboard filters it follows): the widget's farm or product, else
        the farms (by farm and region) or products (by category) the filters keep."""
        if farm:
            return (lambda key: key == f"farm:{farm.id}"), []
        if product:
            return (lambda key: key.split(":")[0] == str(product.id)), []
        if self.target == "farm_milk":
            used = [key for key in ("farm_ids", "region_ids") if filters.get(key)]
            domain = [("company_id", "=", self.company_id.id)]
            domain += [("id", "in", filters["farm_ids"])] if "farm_ids" in used else []
            domain += [("region_id", "in", filters["region_ids"])] if "region_ids" in used else []
            keys = {f"farm:{i}" for i in self.env["smart.dairy.farm"].search(domain).ids}
        else:
            used = ["categ_ids"] if filters.get("categ_ids") else []
            products = self.env["product.product"].with_context(active_test=False)
            found = products.search([("categ_id", "child_of", filters.get("categ_ids") or [])])
            keys = {str(i) for i in found.ids}
        if not used:
            return (lambda key: True), []
        names = self._filter_names(used)
        if self.target == "farm_milk":
            return (lambda key: key in keys), names
        return (lambda key: key.split(":")[0] in keys), names

    def _filter_names(self, keys):
        """The names of dashboard filters (their dimensions', in the reader's language)."""
        columns = [d.column for d in layout.DIMENSION_FILTERS if d.key in keys]
        dimensions = self.env["smart.dairy.kpi.dimension"].search([("field_name", "in", columns)])
        names = {d.field_name: d.name.lower() for d in dimensions}
        return [names.get(column, column) for column in columns]

    def _recent_actuals(self, run, keys):
        """{period start: actual} of the selected series over the last complete periods
        known today (after the run's cutoff, the actuals that met its forecast), up to
        the last period with any record: later ones are not recorded yet, not zero. A
        period without a sale is zero demand; one without milk recorded is None."""
        today = fields.Date.context_today(self)
        history = run._history(max(today, run.as_of))
        end = run._last_period(max(today, run.as_of))
        if history.empty:
            return {}
        end = min(end, history["ds"].max())
        history = history[history["unique_id"].map(keys).astype(bool)]
        count = max(ACTUAL_HORIZONS * self.horizon, MIN_ACTUALS)
        periods = pd.date_range(end=end, periods=count, freq=PANDAS_FREQ[self.frequency])
        periods = periods[periods >= end - pd.Timedelta(days=self.history_days - 1)]
        sums = history.groupby("ds")["y"].sum()
        missing = None if self.target == "farm_milk" else 0.0
        return {
            day.date(): round(float(sums[day]), 2) if day in sums.index else missing
            for day in periods
        }

    def _chart_kpi(self, product):
        """How the widget's figures are formatted (the KPI shape the exports read)."""
        milk = self.target == "farm_milk"
        unit = "L" if milk else (product.uom_id.name if product else self.env._("units"))
        return {
            "code": "forecast",
            "name": self.name,
            "description": dict(self._fields["target"]._description_selection(self.env))[
                self.target
            ],
            "unit": unit,
            "display_format": "volume" if milk else "number",
            "polarity": "higher",
            "fact_model": None,
        }

    def _chart_config(self, farm, product, applied=()):
        series = farm.display_name if farm else product.display_name if product else ""
        if applied:
            series = self.env._("The %(filters)s chosen", filters=", ".join(applied))
        return {
            "id": self.id,
            "name": self.name,
            "target": self.target,
            "frequency": dict(self._fields["frequency"]._description_selection(self.env))[
                self.frequency
            ],
            "horizon": self.horizon,
            "series": series or self.env._("Total"),
        }

    def _chart_note(self, run, applied=()):
        if applied:
            return self.env._(
                "Forecast of %(day)s (history up to the day before) for the %(filters)s "
                "chosen; the period and the other filters do not apply.",
                day=run.as_of,
                filters=", ".join(applied),
            )
        return self.env._(
            "Forecast of %(day)s (history up to the day before); the dashboard's filters do "
            "not apply.",
            day=run.as_of,
        )
