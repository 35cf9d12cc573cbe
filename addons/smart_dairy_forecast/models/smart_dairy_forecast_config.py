from dateutil.relativedelta import relativedelta
from smart_dairy import forecast as engine

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.smart_dairy_base.models.smart_dairy_access_mixin import (
    ANALYTICS_MANAGER_GROUP,
    USER_GROUP,
)

TARGETS = [
    ("product_demand", "Product demand per product and warehouse"),
    ("farm_milk", "Milk per farm"),
]
FREQUENCIES = [("D", "Daily"), ("W", "Weekly"), ("MS", "Monthly")]
PERIOD_DAYS = {"D": 1, "W": 7, "MS": 30}
SCHEDULES = [
    ("daily", "Every day"),
    ("weekly", "Every week"),
    ("monthly", "Every month"),
    ("manual", "On demand only"),
]
SCHEDULE_STEPS = {
    "daily": relativedelta(days=1),
    "weekly": relativedelta(weeks=1),
    "monthly": relativedelta(months=1),
}


class SmartDairyForecastConfig(models.Model):
    """What to forecast, how far and with which candidate models; a scheduled job
    runs every active configuration daily."""

    _name = "smart.dairy.forecast.config"
    _description = "Forecast Configuration"
    _inherit = ["smart.dairy.access.mixin"]
    _order = "sequence, id"

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    target = fields.Selection(TARGETS, required=True, default="product_demand")
    frequency = fields.Selection(FREQUENCIES, required=True, default="D")
    horizon = fields.Integer(
        required=True, default=28, help="Periods forecast ahead (days, weeks or months)."
    )
    history_days = fields.Integer(
        "History (days)", required=True, default=730, help="Days of history the models learn from."
    )
    n_windows = fields.Integer(
        "Backtest Windows",
        required=True,
        default=3,
        help="Rolling-origin backtest windows on which the models are compared.",
    )
    method_ids = fields.Many2many(
        "smart.dairy.forecast.method",
        string="Candidate Models",
        default=lambda self: self.env["smart.dairy.forecast.method"].search([]),
        help="The series of a run share one choice among these candidates and their "
        "median: the lowest backtest MASE over the series; seasonal naive is always "
        "tried, and a series keeps it when the shared choice does worse on its own "
        "backtest.",
    )
    product_ids = fields.Many2many(
        "product.product", string="Products", help="Only these products (empty: all sold)."
    )
    farm_ids = fields.Many2many(
        "smart.dairy.farm", string="Farms", help="Only these farms (empty: all of the company)."
    )
    user_id = fields.Many2one(
        "res.users",
        "Responsible",
        default=lambda self: not self.env.user._is_superuser() and self.env.user,
        domain="[('share', '=', False)]",
        help="Gets the activities of this configuration's alerts: drift, and those no farm "
        "manager or product responsible takes.",
    )
    schedule = fields.Selection(
        SCHEDULES,
        required=True,
        default="daily",
        help="How often the scheduled job runs the configuration, counted from its last "
        "run; Run Now runs it at any time.",
    )
    batch_size = fields.Integer(
        default=100, help="Series forecast per batch; progress is saved after each batch."
    )
    run_ids = fields.One2many("smart.dairy.forecast.run", "config_id", string="Runs")
    last_run_id = fields.Many2one("smart.dairy.forecast.run", compute="_compute_last_run")
    line_count = fields.Integer(compute="_compute_last_run", string="Forecast Lines")

    @api.constrains("horizon", "history_days", "n_windows", "batch_size")
    def _check_sizes(self):
        for config in self:
            if min(config.horizon, config.n_windows, config.batch_size) <= 0:
                raise ValidationError(
                    self.env._("Horizon, backtest windows and batch size must be positive.")
                )
            if config.history_days < 2 * PERIOD_DAYS[config.frequency]:
                raise ValidationError(self.env._("The history must cover at least two periods."))

    @api.constrains("method_ids")
    def _check_methods(self):
        known = set(engine.DEFAULT_MODELS)
        for config in self:
            unknown = set(config.method_ids.mapped("code")) - known
            if unknown:
                raise ValidationError(
                    self.env._("Unknown forecast models: %(codes)s.", codes=", ".join(unknown))
                )

    def _compute_last_run(self):
        Line = self.env["smart.dairy.forecast.line"]
        counts = dict(Line._read_group([("config_id", "in", self.ids)], ["config_id"], ["__count"]))
        for config in self:
            runs = config.run_ids.filtered(lambda r: r.state == "done")
            config.last_run_id = runs[:1]
            config.line_count = counts.get(config, 0)

    def action_run(self):
        """Queue a run of each configuration (Analytics Manager) and wake the job up."""
        self._check_caller(ANALYTICS_MANAGER_GROUP, "write")
        runs = self.sudo()._queue_runs()
        self.env.ref("smart_dairy_forecast.ir_cron_forecast_runs").sudo()._trigger()
        return runs.ids

    def action_open_lines(self):
        """The forecast lines of the configuration (Smart Dairy User)."""
        self._check_caller(USER_GROUP)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "smart_dairy_forecast.action_smart_dairy_forecast_line"
        )
        action["domain"] = [("config_id", "in", self.ids)]
        return action

    def action_open_forecast(self):
        """The latest forecast of the configuration beside the actuals (Smart Dairy
        User)."""
        self._check_caller(USER_GROUP)
        kind = "milk" if set(self.mapped("target")) == {"farm_milk"} else "demand"
        action = self.env["ir.actions.act_window"]._for_xml_id(
            f"smart_dairy_forecast.action_smart_dairy_forecast_analysis_{kind}"
        )
        action["domain"] = [("config_id", "in", self.ids)]
        return action

    def _responsible(self, product=None, farm=None):
        """Who gets the activity of an alert: the farm's manager, the product's
        responsible in the company, else the configuration's responsible."""
        self.ensure_one()
        if farm and farm.manager_id.active:
            return farm.manager_id
        user = product.with_company(self.company_id).responsible_id if product else None
        return user if user and user.active else self.user_id

    def _due(self, as_of):
        """The configurations whose schedule calls for a run on ``as_of``: never run,
        or last run (history up to) a day, a week or a month before it or earlier."""
        Run = self.env["smart.dairy.forecast.run"]
        last = dict(
            Run._read_group(
                [("config_id", "in", self.ids), ("state", "=", "done")],
                ["config_id"],
                ["as_of:max"],
            )
        )
        return self.filtered(
            lambda config: (
                config.schedule in SCHEDULE_STEPS
                and (
                    not last.get(config) or last[config] + SCHEDULE_STEPS[config.schedule] <= as_of
                )
            )
        )

    def _queue_runs(self):
        """A pending run per configuration without one pending or running."""
        Run = self.env["smart.dairy.forecast.run"]
        busy = Run.search(
            [("config_id", "in", self.ids), ("state", "in", ("pending", "running"))]
        ).config_id
        todo = self - busy
        return Run.create([{"config_id": config.id} for config in todo])
