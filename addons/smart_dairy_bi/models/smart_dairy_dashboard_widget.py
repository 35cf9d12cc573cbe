from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .smart_dairy_kpi import GRAINS

WIDGET_TYPES = [
    ("kpi_card", "KPI Card"),
    ("line", "Line Chart"),
    ("bar", "Bar Chart"),
    ("area", "Area Chart"),
    ("pie", "Pie Chart"),
    ("doughnut", "Doughnut Chart"),
    ("gauge", "Gauge"),
    ("table", "Table (Top N)"),
    ("heatmap", "Heatmap"),
    ("scatter", "Scatter Chart"),
    ("farm_map", "Farm Map"),
    ("section", "Section"),
]
# The types drawn from KPIs; the health types below and other addons' types (added by
# selection_add) fill their payload through _extension_shown and _extension_payload.
BUILTIN_TYPES = frozenset(key for key, _label in WIDGET_TYPES)
# Health of the data pipeline, read from the jobs' run logs and the freshness checks'
# latest results rather than from KPIs: the type and the model it reads.
HEALTH_TYPES = [
    ("pipeline", "Pipeline Health"),
    ("freshness", "Source Freshness"),
    ("failing_checks", "Failing Checks"),
]
# each health type: the model read and its method building the payload
HEALTH_SOURCES = {
    "pipeline": ("smart.dairy.pipeline.job", "_health_payload"),
    "freshness": ("smart.dairy.quality.result", "_freshness_payload"),
    "failing_checks": ("smart.dairy.quality.result", "_failing_payload"),
}
# Widgets showing a single figure, and widgets that rank breakdown values.
SINGLE_KPI_TYPES = ("kpi_card", "gauge", "heatmap", "farm_map")
BREAKDOWN_TYPES = ("pie", "doughnut", "table", "heatmap", "scatter", "farm_map")
# The model a farm map's breakdown must be: its values are placed by the farms' positions.
FARM_MODEL = "smart.dairy.farm"


class SmartDairyDashboardWidget(models.Model):
    """A tile of a dashboard on a 12-column grid: which KPIs it shows and how."""

    _name = "smart.dairy.dashboard.widget"
    _inherit = ["smart.dairy.access.mixin"]
    _description = "Dashboard Widget"
    _order = "dashboard_id, row, col, sequence, id"

    dashboard_id = fields.Many2one(
        "smart.dairy.dashboard", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    title = fields.Char(required=True, translate=True)
    widget_type = fields.Selection(
        WIDGET_TYPES + HEALTH_TYPES, "Type", required=True, default="kpi_card"
    )
    kpi_ids = fields.Many2many(
        "smart.dairy.kpi",
        "smart_dairy_dashboard_widget_kpi_rel",
        "widget_id",
        "kpi_id",
        string="KPIs",
        help="Shown in the KPIs' catalogue order; cards and gauges take exactly one.",
    )
    grain = fields.Selection(
        [("auto", "Automatic"), *GRAINS],
        required=True,
        default="auto",
        help="Automatic: by day up to 92 days, by month beyond.",
    )
    breakdown_id = fields.Many2one(
        "smart.dairy.kpi.dimension",
        help="One bar, slice or row per value of this dimension instead of a time series; "
        "a line or area chart draws one series over time per value.",
    )
    col = fields.Integer("Column", default=0, help="First grid column, 0 to 11.")
    row = fields.Integer(default=0)
    width = fields.Integer(default=3, help="Grid columns spanned, 1 to 12.")
    height = fields.Integer(default=1, help="Grid rows spanned.")
    stacked = fields.Boolean()
    horizontal = fields.Boolean()
    top_n = fields.Integer(default=0, help="Keep only the N largest values (0 for all).")
    show_target = fields.Boolean()
    secondary_axis = fields.Boolean(
        "Second Axis",
        help="Time series of KPIs in different units (revenue and orders): the KPIs after "
        "the first get their own axis, on the right.",
    )

    @api.constrains("col", "row", "width", "height", "top_n")
    def _check_layout(self):
        for widget in self:
            if not 0 <= widget.col <= 11:
                raise ValidationError(
                    self.env._(
                        "Widget %(title)s must start in a column from 0 to 11.", title=widget.title
                    )
                )
            if not 1 <= widget.width <= 12:
                raise ValidationError(
                    self.env._("Widget %(title)s must be 1 to 12 columns wide.", title=widget.title)
                )
            if widget.col + widget.width > 12:
                raise ValidationError(
                    self.env._(
                        "Widget %(title)s runs past the 12th column: start it further left "
                        "or make it narrower.",
                        title=widget.title,
                    )
                )
            if widget.row < 0 or widget.height < 1 or widget.top_n < 0:
                raise ValidationError(
                    self.env._(
                        "Widget %(title)s needs a row of 0 or more, a height of at least 1 "
                        "and a top N of 0 or more.",
                        title=widget.title,
                    )
                )

    @api.constrains("secondary_axis", "widget_type", "kpi_ids", "breakdown_id")
    def _check_secondary_axis(self):
        for widget in self.filtered("secondary_axis"):
            if (
                widget.widget_type not in ("line", "bar", "area")
                or widget.breakdown_id
                or len(widget.kpi_ids) < 2
            ):
                raise ValidationError(
                    self.env._(
                        "Second Axis: widget %(title)s needs to be a line, bar or area time "
                        "series of at least two KPIs, without a breakdown.",
                        title=widget.title,
                    )
                )

    @api.constrains("widget_type", "kpi_ids", "grain", "breakdown_id", "col", "width")
    def _check_content(self):
        for widget in self:
            kpis, breakdown = widget.kpi_ids, widget.breakdown_id
            if widget.widget_type in HEALTH_SOURCES and (kpis or breakdown):
                raise ValidationError(
                    self.env._(
                        "Widget %(title)s shows the pipeline's health from the job logs and "
                        "checks: remove its KPIs and breakdown.",
                        title=widget.title,
                    )
                )
            if widget.widget_type not in BUILTIN_TYPES:
                continue  # a health type, or another addon's type: that addon checks it
            kind = dict(WIDGET_TYPES)[widget.widget_type]
            if widget.widget_type == "section":
                if kpis or breakdown or widget.col or widget.width != 12:
                    raise ValidationError(
                        self.env._(
                            "Section %(title)s is a heading across the dashboard: it spans "
                            "the 12 columns from the first and shows no KPI.",
                            title=widget.title,
                        )
                    )
                continue
            if not kpis:
                raise ValidationError(
                    self.env._("Widget %(title)s needs at least one KPI.", title=widget.title)
                )
            if widget.widget_type in SINGLE_KPI_TYPES and len(kpis) != 1:
                raise ValidationError(
                    self.env._(
                        "A %(kind)s shows exactly one KPI: widget %(title)s has %(count)s.",
                        kind=kind,
                        title=widget.title,
                        count=len(kpis),
                    )
                )
            if widget.widget_type == "scatter" and len(kpis) != 2:
                raise ValidationError(
                    self.env._(
                        "A scatter chart plots two KPIs against each other (one across, one "
                        "up): widget %(title)s has %(count)s.",
                        title=widget.title,
                        count=len(kpis),
                    )
                )
            if widget.widget_type in ("kpi_card", "gauge") and breakdown:
                raise ValidationError(
                    self.env._(
                        "A %(kind)s shows one total: remove the breakdown of widget %(title)s.",
                        kind=kind,
                        title=widget.title,
                    )
                )
            if widget.widget_type == "farm_map" and breakdown.comodel != FARM_MODEL:
                raise ValidationError(
                    self.env._(
                        "A farm map places one value per farm on the farms' positions: "
                        "widget %(title)s needs the Farm breakdown and a KPI computed by farm.",
                        title=widget.title,
                    )
                )
            if widget.widget_type in BREAKDOWN_TYPES and not breakdown:
                raise ValidationError(
                    self.env._(
                        "A %(kind)s needs a breakdown (e.g. Farm or Region): widget %(title)s "
                        "has none.",
                        kind=kind,
                        title=widget.title,
                    )
                )
            missing = kpis - kpis.filtered_domain([("dimension_ids", "in", breakdown.ids)])
            if breakdown and missing:
                raise ValidationError(
                    self.env._(
                        "Widget %(title)s is broken down by %(dimension)s, but KPI %(codes)s is "
                        "not computed by %(dimension)s. Add the breakdown to the KPI or pick "
                        "another.",
                        title=widget.title,
                        dimension=breakdown.name,
                        codes=", ".join(missing.mapped("code")),
                    )
                )
            if widget.widget_type in ("line", "area") and breakdown and len(kpis) != 1:
                raise ValidationError(
                    self.env._(
                        "Broken down by %(dimension)s, a %(kind)s shows one KPI over time per "
                        "%(dimension)s: widget %(title)s has %(count)s KPIs.",
                        dimension=breakdown.name,
                        kind=kind,
                        title=widget.title,
                        count=len(kpis),
                    )
                )
            if widget.widget_type == "heatmap":
                if widget.grain not in ("auto", "day") or not kpis.grain_day:
                    raise ValidationError(
                        self.env._(
                            "A heatmap shows daily values by weekday: widget %(title)s needs "
                            "the daily grain and a KPI computed daily.",
                            title=widget.title,
                        )
                    )
            elif widget.grain != "auto":
                missing = kpis.filtered_domain([(f"grain_{widget.grain}", "=", False)])
                if missing:
                    raise ValidationError(
                        self.env._(
                            "Widget %(title)s is set to %(grain)s values, but KPI %(codes)s is "
                            "not computed at that grain.",
                            title=widget.title,
                            grain=dict(GRAINS)[widget.grain].lower(),
                            codes=", ".join(missing.mapped("code")),
                        )
                    )

    @api.onchange("widget_type")
    def _onchange_widget_type(self):
        """A farm map is broken down by farm: offered as soon as the type is chosen."""
        if self.widget_type == "farm_map" and self.breakdown_id.comodel != FARM_MODEL:
            self.breakdown_id = self.env["smart.dairy.kpi.dimension"].search(
                [("comodel", "=", FARM_MODEL)], limit=1
            )

    @api.private
    def _extension_shown(self, env):
        """Whether the caller (``env``) may see this widget of a type not drawn from
        KPIs (see BUILTIN_TYPES): a health widget to those who may read its model;
        another addon's type by that addon's rules (it overrides this)."""
        self.ensure_one()
        model, _method = HEALTH_SOURCES.get(self.widget_type, (None, None))
        return env[model].has_access("read") if model else True

    @api.private
    def _extension_payload(self, env, filters):
        """Payload keys ("data", "empty", and optionally "note" and "kpis") of this
        widget of a type not drawn from KPIs, read as the caller (``env``) for the
        effective ``filters``; they replace the dashboard's own. A health widget's come
        from its model; an addon adding a type overrides this. The exports read
        "labels", "periods" and "datasets" in data."""
        self.ensure_one()
        model, method = HEALTH_SOURCES.get(self.widget_type, (None, None))
        if model:
            return getattr(env[model], method)()
        return {"data": {}, "empty": True}

    def _grain(self, auto):
        """The grain of this widget's values for a range whose automatic grain is ``auto``:
        its own, else ``auto`` if all its KPIs have it, else the nearest grain they share
        (coarser ones first)."""
        self.ensure_one()
        if self.widget_type == "heatmap":
            return "day"
        if self.grain != "auto":
            return self.grain
        grains = [grain for grain, _label in GRAINS]
        index = grains.index(auto)
        candidates = grains[index:] + grains[:index][::-1]
        for grain in candidates:
            if all(kpi[f"grain_{grain}"] for kpi in self.kpi_ids):
                return grain
        return auto
