import datetime as dt
import json
import logging
import time
import warnings
from collections import Counter

import numpy as np
import pandas as pd
from smart_dairy import forecast as engine

from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.smart_dairy_bi.models.smart_dairy_job_log import logged_job

_logger = logging.getLogger(__name__)

STATES = [
    ("pending", "Pending"),
    ("running", "Running"),
    ("done", "Done"),
    ("failed", "Failed"),
]
ALERT_PREFIX = "forecast:run"
# Drift: the realised error of a run's forecasts exceeds its backtest error by half.
DRIFT_FACTOR = 1.5


class SmartDairyForecastRun(models.Model):
    """One run of a forecast configuration, computed by the scheduled job in batches
    of series (progress saved after each, so a stopped run resumes); its lines
    replace the configuration's previous ones when it is done."""

    _name = "smart.dairy.forecast.run"
    _description = "Forecast Run"
    _order = "id desc"

    config_id = fields.Many2one(
        "smart.dairy.forecast.config", required=True, readonly=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="config_id.company_id", store=True, index=True)
    state = fields.Selection(STATES, required=True, default="pending", readonly=True)
    as_of = fields.Date("History Up To", readonly=True)
    started_at = fields.Datetime(readonly=True)
    finished_at = fields.Datetime(readonly=True)
    duration = fields.Float("Duration (s)", digits=(10, 1), readonly=True)
    series_keys = fields.Text(readonly=True, help="The run's series, in processing order.")
    series_count = fields.Integer("Series", readonly=True)
    series_done = fields.Integer(readonly=True)
    line_count = fields.Integer("Lines", readonly=True)
    models_chosen = fields.Text(readonly=True, help="Series per chosen model.")
    mase = fields.Float("Mean Backtest MASE", digits=(6, 3), readonly=True)
    wape = fields.Float("Mean Backtest WAPE", digits=(6, 3), readonly=True)
    smape = fields.Float("Mean Backtest sMAPE", digits=(6, 3), readonly=True)
    realised_wape = fields.Float(
        "Realised WAPE",
        digits=(6, 3),
        readonly=True,
        help="Error of this run's forecasts against their actuals, over the periods "
        "known so far (the whole horizon once it has passed).",
    )
    realised_periods = fields.Integer(
        "Periods Checked", readonly=True, help="Forecast periods whose actuals are known."
    )
    realised_error = fields.Float(readonly=True, help="Sum of the absolute errors measured.")
    realised_volume = fields.Float(readonly=True, help="Sum of the absolute actuals measured.")
    error_count = fields.Integer("Series in Error", readonly=True)
    errors = fields.Text(readonly=True, help="Series that could not be forecast, and why.")
    line_ids = fields.One2many("smart.dairy.forecast.line", "run_id", string="Forecast Lines")

    # ---------------------------------------------------------------- cron

    @api.model
    @logged_job
    def _cron_forecast(self, as_of=None, commit=True):
        """Daily: queue a run of every active configuration its schedule calls for,
        then compute pending and running runs one at a time, batch by batch; returns
        the runs finished."""
        as_of = as_of or fields.Date.context_today(self)
        self.env["smart.dairy.forecast.config"].sudo().search([])._due(as_of)._queue_runs()
        return self._process_runs(as_of, commit)

    @api.model
    def _process_runs(self, as_of, commit=True):
        finished = self.browse()
        todo = [("state", "in", ("pending", "running")), ("config_id.active", "=", True)]
        for run in self.sudo().search(todo, order="id"):
            try:
                if not run._process(as_of, commit):
                    break
            except Exception as exc:
                if not commit:
                    raise
                self.env.cr.rollback()
                _logger.exception("Forecast run %s failed", run.id)
                run.write(
                    {"state": "failed", "errors": str(exc), "finished_at": fields.Datetime.now()}
                )
                self.env["ir.cron"]._commit_progress()
                continue
            finished |= run
        return finished

    def _process(self, as_of, commit):
        """Compute this run's remaining batches; False when the cron's time ran out."""
        self.ensure_one()
        history = self._start(as_of) if self.state == "pending" else self._history(self.as_of)
        if commit:
            self.env["ir.cron"]._commit_progress(remaining=self.series_count - self.series_done)
        while self.series_done < self.series_count:
            done = self._step(history)
            if commit and self.env["ir.cron"]._commit_progress(done) <= 0:
                return False
        self._finish(history)
        if commit:
            self.env["ir.cron"]._commit_progress()
        return True

    def _start(self, as_of):
        """Fix the run's series (history up to ``as_of``); returns the history."""
        history = self._history(as_of)
        keys = sorted(history["unique_id"].unique().tolist())
        self.write(
            {
                "state": "running",
                "as_of": as_of,
                "started_at": fields.Datetime.now(),
                "series_keys": json.dumps(keys),
                "series_count": len(keys),
                "series_done": 0,
            }
        )
        _logger.info("Forecast run %s (%s): %s series", self.id, self.config_id.name, len(keys))
        return history

    def _step(self, history):
        """Forecast the next batch of series and save the progress; returns its size."""
        keys = json.loads(self.series_keys or "[]")
        batch = keys[self.series_done : self.series_done + self.config_id.batch_size]
        started = time.perf_counter()
        self.line_ids.filtered(lambda line: line.series_key in batch).unlink()
        errors = self._forecast_batch(history[history["unique_id"].isin(batch)], batch)
        self.write(
            {
                "series_done": self.series_done + len(batch),
                "duration": self.duration + time.perf_counter() - started,
                "error_count": self.error_count + len(errors),
                "errors": "\n".join(filter(None, [self.errors, *errors])) or False,
            }
        )
        _logger.info(
            "Forecast run %s: %s/%s series, %s errors",
            self.id,
            self.series_done,
            self.series_count,
            self.error_count,
        )
        return len(batch)

    # ------------------------------------------------------------- history

    def _history(self, as_of):
        """The configuration's history as the engine's long table (unique_id, ds, y)
        of complete periods before ``as_of``."""
        config = self.config_id
        end = self._last_complete_day(as_of)
        start = end - dt.timedelta(days=config.history_days - 1)
        self.env.flush_all()
        if config.target == "farm_milk":
            query = SQL(
                """
                SELECT 'farm:' || farm_id, date, sum(volume)
                  FROM smart_dairy_milking
                 WHERE company_id = %s AND date BETWEEN %s AND %s
                   AND (%s OR farm_id = ANY(%s))
                 GROUP BY farm_id, date
                """,
                config.company_id.id,
                start,
                end,
                not config.farm_ids,
                config.farm_ids.ids,
            )
        else:
            query = SQL(
                """
                SELECT f.product_id || ':' || so.warehouse_id, f.date, sum(f.quantity)
                  FROM smart_dairy_fact_sales f
                  JOIN sale_order so ON so.id = f.order_id
                 WHERE f.company_id = %s AND f.date BETWEEN %s AND %s
                   AND so.warehouse_id IS NOT NULL
                   AND (%s OR f.product_id = ANY(%s))
                 GROUP BY f.product_id, so.warehouse_id, f.date
                """,
                config.company_id.id,
                start,
                end,
                not config.product_ids,
                config.product_ids.ids,
            )
        self.env.cr.execute(query)
        df = pd.DataFrame(self.env.cr.fetchall(), columns=["unique_id", "ds", "y"])
        df["ds"] = pd.to_datetime(df["ds"])
        df["y"] = df["y"].astype(float)
        if config.frequency != "D" and len(df):
            df["ds"] = _period_start(df["ds"], config.frequency)
            df = df.groupby(["unique_id", "ds"], as_index=False)["y"].sum()
        return df

    def _last_complete_day(self, as_of):
        """The day before ``as_of``, moved back to the end of the last complete week
        or month for weekly and monthly forecasts."""
        day = pd.Timestamp(as_of) - pd.Timedelta(days=1)
        frequency = self.config_id.frequency
        if frequency == "W" and day.weekday() != 6:
            day -= pd.Timedelta(days=day.weekday() + 1)
        elif frequency == "MS" and not day.is_month_end:
            day = day.replace(day=1) - pd.Timedelta(days=1)
        return day.date()

    def _last_period(self, as_of):
        """The start of the last complete period before ``as_of``."""
        day = pd.Timestamp(self._last_complete_day(as_of))
        frequency = self.config_id.frequency
        return day if frequency == "D" else _period_start(pd.Series([day]), frequency).iloc[0]

    # ------------------------------------------------------------ forecast

    def _forecast_batch(self, history, keys):
        """Forecast one batch and write its lines; returns the errors, one per series
        (a batch that fails is retried series by series)."""
        try:
            result = self._engine_forecast(history)
        except (engine.ForecastInputError, ValueError, np.linalg.LinAlgError) as exc:
            if len(keys) == 1:
                return [f"{self._series_label(keys[0])}: {exc}"]
            errors = []
            for key in keys:
                errors += self._forecast_batch(history[history["unique_id"] == key], [key])
            return errors
        choices = result.choices.set_index("unique_id")
        rows = []
        for row in result.forecasts.itertuples(index=False):
            uid = row.unique_id
            choice = choices.loc[uid] if uid in choices.index else None
            rows.append(
                {
                    **self._line_values(row),
                    "backtest_mase": _finite(choice.get("mase")) if choice is not None else 0.0,
                    "backtest_wape": _finite(choice.get("wape")) if choice is not None else 0.0,
                    "backtest_smape": _finite(choice.get("smape")) if choice is not None else 0.0,
                    "backtest_bias": _finite(choice.get("bias")) if choice is not None else 0.0,
                    "intervals": choice.get("intervals") if choice is not None else False,
                    "reason": choice.get("reason") if choice is not None else False,
                }
            )
        self.env["smart.dairy.forecast.line"].create(rows)
        return []

    def _line_values(self, row):
        """A forecast line's values from a row of the engine's forecasts (columns
        named with underscores)."""
        return {
            "run_id": self.id,
            "config_id": self.config_id.id,
            **self._series_fields(row.unique_id),
            "date": row.ds.date(),
            "forecast": float(row.forecast),
            "lo_80": float(row.lo_80),
            "hi_80": float(row.hi_80),
            "lo_95": float(row.lo_95),
            "hi_95": float(row.hi_95),
            "model": row.model,
        }

    def _engine_forecast(self, history):
        """The engine's forecast of ``history``: every series runs to the last complete
        period, so all forecasts start after it; a day without milk recorded is
        interpolated, a period without sales is no demand."""
        config = self.config_id
        models_ = tuple(config.method_ids.mapped("code")) or ("seasonal_naive",)
        end = self._last_period(self.as_of)
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            result = engine.forecast(
                history,
                config.horizon,
                freq=config.frequency,
                models=models_,
                n_windows=config.n_windows,
                fill="interpolate" if config.target == "farm_milk" else "zero",
                end=end,
            )
        result.forecasts = result.forecasts.rename(columns=lambda c: c.replace("-", "_"))
        return result

    def _series_fields(self, uid):
        if uid.startswith("farm:"):
            return {"farm_id": int(uid.split(":")[1]), "series_key": uid}
        product, warehouse = (int(part) for part in uid.split(":"))
        return {"product_id": product, "warehouse_id": warehouse, "series_key": uid}

    def _series_label(self, uid):
        values = self._series_fields(uid)
        if "farm_id" in values:
            return self.env["smart.dairy.farm"].browse(values["farm_id"]).display_name
        return "{} / {}".format(
            self.env["product.product"].browse(values["product_id"]).display_name,
            self.env["stock.warehouse"].browse(values["warehouse_id"]).display_name,
        )

    # -------------------------------------------------------------- finish

    def _finish(self, history):
        """Summarise, measure and replace the configuration's older lines (archived
        until their actuals are known), alert, and tell open dashboards."""
        Line = self.env["smart.dairy.forecast.line"].with_context(active_test=False)
        lines = Line.search([("run_id", "=", self.id)])
        earlier = [("config_id", "=", self.config_id.id), ("run_id", "!=", self.id)]
        end = history["ds"].max().date() if not history.empty else None
        known = Line.search([*earlier, ("date", "<=", end)]) if end else Line
        later = [*earlier, ("date", ">", end)] if end else earlier
        waiting = {run.id for (run,) in Line._read_group(later, ["run_id"])}
        self._record_accuracy(known, waiting, history)
        self._check_intervals(known.filtered("active"), history)
        known.unlink()
        Line.search([*earlier, ("active", "=", True)]).write({"active": False})
        lines |= self._new_product_lines(lines)
        firsts = {}
        for line in lines:
            firsts.setdefault(line.series_key, line)
        counts = Counter(line.model for line in firsts.values())
        scored = [line for line in firsts.values() if line.backtest_mase > 0]
        self.write(
            {
                "state": "done",
                "finished_at": fields.Datetime.now(),
                "line_count": len(lines),
                "models_chosen": "\n".join(f"{m}: {n}" for m, n in counts.most_common()),
                "mase": np.mean([line.backtest_mase for line in scored]) if scored else 0.0,
                "wape": np.mean([line.backtest_wape for line in scored]) if scored else 0.0,
                "smape": np.mean([line.backtest_smape for line in scored]) if scored else 0.0,
            }
        )
        if self.config_id.target == "farm_milk":
            self._check_milk_targets(lines)
        else:
            self.env["smart.dairy.replenishment"]._suggest(self, lines)
            self.env["smart.dairy.expiry.projection"]._project(self, lines)
        # open dashboards redraw their forecast widgets (the bus sends on commit)
        self.env["smart.dairy.dashboard"]._notify_open({"forecast_run_id": self.id})

    def _new_product_lines(self, lines):
        """Lines for the products of the company's reordering rules that sold nothing
        yet (new products), in their warehouses: the mean forecast of the series of
        their category (engine.category_profiles)."""
        config = self.config_id
        if config.target != "product_demand" or not lines:
            return lines.browse()
        domain = [("company_id", "=", config.company_id.id), ("trigger", "=", "auto")]
        if config.product_ids:
            domain.append(("product_id", "in", config.product_ids.ids))
        rules = self.env["stock.warehouse.orderpoint"].search(domain)
        known = set(lines.mapped("series_key"))
        by_series = {
            f"{rule.product_id.id}:{rule.warehouse_id.id}": rule.product_id for rule in rules
        }
        new = {uid: product for uid, product in by_series.items() if uid not in known}
        if not new:
            return lines.browse()
        categories = {line.series_key: line.product_id.categ_id.display_name for line in lines}
        categories.update({uid: product.categ_id.display_name for uid, product in new.items()})
        forecasts = pd.DataFrame(
            {
                "unique_id": lines.mapped("series_key"),
                "ds": pd.to_datetime(lines.mapped("date")),
                **{
                    code.replace("_", "-"): lines.mapped(code)
                    for code in ("forecast", "lo_80", "hi_80", "lo_95", "hi_95")
                },
            }
        )
        dates = pd.DatetimeIndex(sorted(forecasts["ds"].unique()))
        profiles, choices = engine.category_profiles(forecasts, categories, list(new), dates)
        return self.env["smart.dairy.forecast.line"].create(
            [
                {
                    **self._line_values(row),
                    "intervals": choices[row.unique_id]["intervals"],
                    "reason": choices[row.unique_id]["reason"],
                }
                for row in profiles.rename(columns=lambda c: c.replace("-", "_")).itertuples(
                    index=False
                )
            ]
        )

    def _record_accuracy(self, known, waiting, history):
        """Add to the earlier runs the error of their forecasts over the periods now
        known (their ``known`` lines). Once a run's whole horizon is known (it is not
        among the ``waiting`` run ids), a realised WAPE beyond its backtest WAPE (over
        the same horizon) raises a drift alert, resolved when a later run is back
        within it."""
        if not known:
            return
        actual = history.set_index(["unique_id", "ds"])["y"]
        Alert = self.env["smart.dairy.alert"]
        key = f"{ALERT_PREFIX}:{self.config_id.id}:drift"
        for run in known.run_id:
            measured = known.filtered(lambda lin, r=run: lin.run_id == r)
            values = [
                float(actual.get((line.series_key, pd.Timestamp(line.date)), 0.0))
                for line in measured
            ]
            error = run.realised_error + sum(
                abs(value - line.forecast) for value, line in zip(values, measured, strict=True)
            )
            volume = run.realised_volume + sum(abs(value) for value in values)
            realised = error / volume if volume > 0 else 0.0
            run.write(
                {
                    "realised_error": error,
                    "realised_volume": volume,
                    "realised_wape": realised,
                    "realised_periods": run.realised_periods + len(set(measured.mapped("date"))),
                }
            )
            if run.id in waiting or volume <= 0:
                continue
            if run.wape > 0 and realised > DRIFT_FACTOR * run.wape:
                Alert._raise(
                    key,
                    {
                        "name": self.env._(
                            "Forecast drift: %(config)s", config=self.config_id.name
                        ),
                        "source": "forecast",
                        "company_id": self.company_id.id,
                        "user_id": self.config_id.user_id.id,
                        "severity": "warning",
                        "value": realised,
                        "expected": f"<= {DRIFT_FACTOR * run.wape:.3f}",
                        "message": self.env._(
                            "The forecasts of %(day)s missed the actuals by a WAPE of "
                            "%(realised).3f against %(backtest).3f in their backtest.",
                            day=run.as_of,
                            realised=realised,
                            backtest=run.wape,
                        ),
                    },
                )
            else:
                Alert._resolve(key, self.env._("The forecast error is back within its backtest."))

    def _check_intervals(self, known, history):
        """Alert once per series when actual demand of the periods now known left the
        95 % interval of the previous run's forecast (its ``known`` lines)."""
        if self.config_id.target != "product_demand" or not known:
            return
        actual = history.set_index(["unique_id", "ds"])["y"]
        outside = {}
        for line in known:
            value = float(actual.get((line.series_key, pd.Timestamp(line.date)), 0.0))
            if value < line.lo_95 - 1e-9 or value > line.hi_95 + 1e-9:
                outside.setdefault(line.series_key, []).append((line, value))
        Alert = self.env["smart.dairy.alert"]
        for key, misses in outside.items():
            line, value = misses[-1]
            Alert._raise(
                f"{ALERT_PREFIX}:{self.config_id.id}:interval:{key}",
                {
                    "name": self.env._(
                        "Demand outside its forecast: %(series)s", series=self._series_label(key)
                    ),
                    "source": "forecast",
                    "company_id": self.company_id.id,
                    "user_id": self.config_id._responsible(product=line.product_id).id,
                    "severity": "warning",
                    "period_start": line.date,
                    "value": value,
                    "expected": f"{line.lo_95:.2f} - {line.hi_95:.2f}",
                    "message": self.env._(
                        "Actual demand left the 95 %% forecast interval on %(count)s of the "
                        "periods now known; on %(day)s it was %(value).2f against "
                        "%(low).2f to %(high).2f.",
                        count=len(misses),
                        day=line.date,
                        value=value,
                        low=line.lo_95,
                        high=line.hi_95,
                    ),
                },
            )

    def _check_milk_targets(self, lines):
        """Alert per farm whose forecast milk falls below its daily production target
        (the Production KPI's target for the farm) in some period of the horizon; a
        farm back on target has its alert resolved."""
        targets = self._farm_targets()
        per_period = {"D": 1, "W": 7}
        Alert = self.env["smart.dairy.alert"]
        for farm in lines.farm_id:
            key = f"{ALERT_PREFIX}:{self.config_id.id}:milk:{farm.id}"
            daily = targets.get(farm.id)
            short = []
            for line in lines.filtered(lambda lin, f=farm: lin.farm_id == f):
                days = per_period.get(self.config_id.frequency) or _days_in_month(line.date)
                if daily and line.forecast < daily * days:
                    short.append((line, daily * days))
            if not short:
                Alert._resolve(key, self.env._("The forecast is back on target."))
                continue
            line, target = short[0]
            Alert._raise(
                key,
                {
                    "name": self.env._("Forecast milk below target: %(farm)s", farm=farm.name),
                    "source": "forecast",
                    "company_id": self.company_id.id,
                    "user_id": self.config_id._responsible(farm=farm).id,
                    "severity": "warning",
                    "period_start": line.date,
                    "value": line.forecast,
                    "expected": f">= {target:g}",
                    "message": self.env._(
                        "%(farm)s is forecast to produce %(litres).0f L from %(day)s against a "
                        "target of %(target).0f L (%(count)s of %(total)s periods below).",
                        farm=farm.name,
                        litres=line.forecast,
                        day=line.date,
                        target=target,
                        count=len(short),
                        total=len(lines.filtered(lambda lin, f=farm: lin.farm_id == f)),
                    ),
                },
            )

    def _farm_targets(self):
        """{farm id: daily litres} from the Production KPI's daily farm targets."""
        production = self.env.ref("smart_dairy_bi.kpi_production", raise_if_not_found=False)
        dimension = self.env.ref("smart_dairy_bi.dimension_farm", raise_if_not_found=False)
        if not production or not dimension:
            return {}
        targets = (
            self.env["smart.dairy.kpi.target"]
            .sudo()
            .search(
                [
                    ("kpi_id", "=", production.id),
                    ("company_id", "=", self.company_id.id),
                    ("grain", "=", "day"),
                    ("dimension_id", "=", dimension.id),
                    ("period_start", "=", False),
                ]
            )
        )
        return {int(t.dimension_value): t.target for t in targets if t.dimension_value.isdigit()}


def _period_start(dates, frequency):
    if frequency == "W":
        return dates - pd.to_timedelta(dates.dt.weekday, unit="D")
    return dates.dt.to_period("M").dt.to_timestamp()


def _days_in_month(day):
    return pd.Timestamp(day).days_in_month


def _finite(value):
    try:
        value = float(value)
    except (TypeError, ValueError):
        return 0.0
    return value if np.isfinite(value) else 0.0
