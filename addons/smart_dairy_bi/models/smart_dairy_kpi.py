import ast
import dataclasses

from smart_dairy import kpi as engine

from odoo import api, fields, models
from odoo.exceptions import LockError, UserError, ValidationError

from odoo.addons.smart_dairy_base.models.smart_dairy_access_mixin import (
    ANALYTICS_MANAGER_GROUP,
    USER_GROUP,
)

CATEGORIES = [
    ("financial", "Financial"),
    ("sales", "Sales"),
    ("production", "Production"),
    ("quality", "Quality"),
    ("customer", "Customer"),
    ("operations", "Operations"),
]
DISPLAY_FORMATS = [
    ("currency", "Currency"),
    ("number", "Number"),
    ("percentage", "Percentage"),
    ("volume", "Volume"),
    ("ratio", "Ratio"),
    ("days", "Days"),
]
AGGREGATIONS = [
    ("sum", "Sum"),
    ("avg", "Average"),
    ("min", "Minimum"),
    ("max", "Maximum"),
    ("count", "Count"),
    ("count_distinct", "Count Distinct"),
]
GRAINS = [(grain.value, grain.value.title()) for grain in engine.Grain]
# Units a display format accepts; an empty unit is always fine.
FORMAT_UNITS = {
    "currency": set(),
    "percentage": {"%"},
    "days": {"days", "d"},
    "volume": {"L", "kL", "hL", "L/cow/day", "L/day"},
    "ratio": {"x", "kg/L", "ratio"},
    "number": None,  # any unit
}
# Fields whose change makes the stored values wrong: changing one schedules a backfill.
BACKFILL_FIELDS = (
    "code", "active", "company_id", "kind", "fact_model", "measure", "aggregation", "domain",
    "denominator_fact_model", "denominator_measure", "denominator_aggregation",
    "denominator_domain", "formula", "scale", "grain_day", "grain_week", "grain_month",
    "grain_quarter", "grain_year", "dimension_ids",
)  # fmt: skip
BACKFILL_CRON = "smart_dairy_bi.ir_cron_kpi_backfill"


class SmartDairyKpi(models.Model):
    """A KPI definition: what to compute from which fact, at which grains and breakdowns."""

    _name = "smart.dairy.kpi"
    _description = "KPI Definition"
    _inherit = ["mail.thread", "smart.dairy.access.mixin"]
    _order = "sequence, code"
    _rec_names_search = ["code", "name"]

    code = fields.Char(
        required=True, tracking=True, help="Upper-case identifier, used in formulas."
    )
    name = fields.Char(required=True, translate=True, tracking=True)
    description = fields.Text(translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", help="Leave empty to compute the KPI for every company."
    )
    category = fields.Selection(CATEGORIES, required=True, default="sales")
    unit = fields.Char(help="Shown after the value, e.g. L, %, days. Currency KPIs use none.")
    display_format = fields.Selection(DISPLAY_FORMATS, required=True, default="number")
    polarity = fields.Selection(
        [("higher", "Higher is better"), ("lower", "Lower is better")],
        required=True,
        default="higher",
    )
    kind = fields.Selection(
        [("aggregate", "Aggregate"), ("ratio", "Ratio"), ("formula", "Formula")],
        required=True,
        default="aggregate",
        tracking=True,
    )
    fact_model = fields.Selection(
        "_selection_fact_model", string="Fact", help="Fact of the aggregate, or of the numerator."
    )
    measure = fields.Char(help="Column of the fact to aggregate (none to count rows).")
    aggregation = fields.Selection(AGGREGATIONS, default="sum")
    domain = fields.Char("Filter", default="[]", help="Domain over the fact's columns.")
    denominator_fact_model = fields.Selection("_selection_fact_model", string="Denominator Fact")
    denominator_measure = fields.Char()
    denominator_aggregation = fields.Selection(AGGREGATIONS, default="sum")
    denominator_domain = fields.Char("Denominator Filter", default="[]")
    # The measure columns offered in the form: the fact's own (and, to count, its dimensions)
    measure_choices = fields.Json(compute="_compute_measure_choices")
    denominator_measure_choices = fields.Json(compute="_compute_measure_choices")
    measure_field_id = fields.Many2one(
        "ir.model.fields",
        "Measure Column",
        compute="_compute_measure_field_ids",
        inverse="_inverse_measure_field_ids",
        domain="[('model', '=', fact_model), ('name', 'in', measure_choices)]",
        help="Column of the fact to aggregate: its measures, and to count, its dimensions "
        "(none to count rows).",
    )
    denominator_measure_field_id = fields.Many2one(
        "ir.model.fields",
        "Denominator Measure Column",
        compute="_compute_measure_field_ids",
        inverse="_inverse_measure_field_ids",
        domain="[('model', '=', denominator_fact_model), "
        "('name', 'in', denominator_measure_choices)]",
    )
    formula = fields.Char(help="Arithmetic over other KPI codes, e.g. DIO + DSO - DPO.")
    scale = fields.Float(
        default=1.0, help="Multiplies ratios, e.g. 100 to show a share as a percentage."
    )
    grain_day = fields.Boolean("Daily", default=True)
    grain_week = fields.Boolean("Weekly")
    grain_month = fields.Boolean("Monthly", default=True)
    grain_quarter = fields.Boolean("Quarterly")
    grain_year = fields.Boolean("Yearly")
    dimension_ids = fields.Many2many("smart.dairy.kpi.dimension", string="Breakdowns")
    target_ids = fields.One2many("smart.dairy.kpi.target", "kpi_id", string="Targets")
    warning_low = fields.Float(help="Warn when the value falls below this (0 for none).")
    warning_high = fields.Float(help="Warn when the value rises above this (0 for none).")
    critical_low = fields.Float()
    critical_high = fields.Float()
    value_count = fields.Integer(compute="_compute_value_count")
    backfill_state = fields.Selection(
        [("pending", "Values are being computed"), ("failed", "Backfill failed")],
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Set when the KPI was created or its definition changed: its values over the "
        "whole history are computed in the background.",
    )
    backfill_requested_at = fields.Datetime(readonly=True, copy=False)

    _system_fields = frozenset({"backfill_state", "backfill_requested_at"})

    _code_unique = models.Constraint("UNIQUE(code)", "Another KPI already has this code.")

    @api.model
    def _selection_fact_model(self):
        return [
            (model._name, model._description)
            for model in self.env["smart.dairy.fact"]._fact_models()
        ]

    def _measure_choices(self, fact_model, aggregation):
        if not fact_model or fact_model not in self.env:
            return []
        fact = self.env[fact_model]
        names = list(fact._fact_measures)
        if aggregation in ("count", "count_distinct"):
            names += [*fact._fact_dimensions, *fact._fact_filter_columns]
        return names

    @api.depends("fact_model", "aggregation", "denominator_fact_model", "denominator_aggregation")
    def _compute_measure_choices(self):
        for kpi in self:
            kpi.measure_choices = kpi._measure_choices(kpi.fact_model, kpi.aggregation)
            kpi.denominator_measure_choices = kpi._measure_choices(
                kpi.denominator_fact_model, kpi.denominator_aggregation
            )

    @api.depends("fact_model", "measure", "denominator_fact_model", "denominator_measure")
    def _compute_measure_field_ids(self):
        Field = self.env["ir.model.fields"].sudo()
        for kpi in self:
            for model, name, target in (
                (kpi.fact_model, kpi.measure, "measure_field_id"),
                (
                    kpi.denominator_fact_model,
                    kpi.denominator_measure,
                    "denominator_measure_field_id",
                ),
            ):
                kpi[target] = Field._get(model, name) if model and name else Field.browse()

    def _inverse_measure_field_ids(self):
        for kpi in self:
            kpi.measure = kpi.measure_field_id.name or False
            kpi.denominator_measure = kpi.denominator_measure_field_id.name or False

    @api.model_create_multi
    def create(self, vals_list):
        kpis = super().create(vals_list)
        if not self.env.context.get("install_mode"):
            kpis._schedule_backfill()
        return kpis

    def write(self, vals):
        if not set(BACKFILL_FIELDS) & set(vals):
            return super().write(vals)
        before = {kpi.id: kpi._definition_key() for kpi in self}
        result = super().write(vals)
        self.filtered(lambda kpi: kpi._definition_key() != before[kpi.id])._schedule_backfill()
        return result

    def _definition_key(self):
        return tuple(
            sorted(self[name].ids) if name in ("company_id", "dimension_ids") else self[name]
            for name in BACKFILL_FIELDS
        )

    def _with_dependents(self):
        """These KPIs and the active formula KPIs that use them, directly or not."""
        codes = self._catalogue().dependents(self.mapped("code"))
        return self | self.search([("code", "in", sorted(codes))])

    def _schedule_backfill(self):
        """Mark these KPIs (and the formulas over them) for a backfill over the whole
        history and wake the backfill cron."""
        kpis = self._with_dependents().filtered("active")
        if not kpis:
            return
        kpis.sudo().write({"backfill_state": "pending", "backfill_requested_at": self.env.cr.now()})
        cron = self.env.ref(BACKFILL_CRON, raise_if_not_found=False)
        if cron:
            cron.sudo()._trigger()

    def _compute_value_count(self):
        counts = dict(
            self.env["smart.dairy.kpi.value"]._read_group(
                [("kpi_id", "in", self.ids)], ["kpi_id"], ["__count"]
            )
        )
        for kpi in self:
            kpi.value_count = counts.get(kpi, 0)

    @property
    def _grains(self):
        return tuple(grain for grain in engine.Grain if self[f"grain_{grain.value}"])

    @api.constrains(
        "code", "kind", "fact_model", "measure", "aggregation", "domain", "denominator_fact_model",
        "denominator_measure", "denominator_aggregation", "denominator_domain", "formula",
        "dimension_ids", "display_format", "unit", "grain_day", "grain_week", "grain_month",
        "grain_quarter", "grain_year",
    )  # fmt: skip
    def _check_definition(self):
        for kpi in self:
            if not kpi._grains:
                raise ValidationError(
                    self.env._("KPI %(code)s needs at least one grain.", code=kpi.code)
                )
            allowed = FORMAT_UNITS[kpi.display_format]
            if kpi.unit and allowed is not None and kpi.unit not in allowed:
                raise ValidationError(
                    self.env._(
                        "The unit %(unit)s does not fit the %(format)s format of KPI %(code)s.",
                        unit=kpi.unit,
                        format=dict(DISPLAY_FORMATS)[kpi.display_format].lower(),
                        code=kpi.code,
                    )
                )
        # Formulas are checked against the whole catalogue, archived KPIs included:
        # unknown codes, cycles.
        try:
            self.with_context(active_test=False)._catalogue(strict=True)
        except engine.KpiDefinitionError as error:
            raise ValidationError(str(error)) from error

    def _catalogue(self, strict=False):
        """The engine's catalogue of the active KPIs and of these (e.g. an archived KPI
        being previewed), as superuser: a formula may use the KPIs of any company.
        The one place where definitions become the engine's: every run, read, preview
        and check takes it. KPIs over the facts of an addon not loaded yet (an upgrade
        loads one module after the other), and the formulas using them, wait for it.
        ``strict`` (checking a KPI form): the first invalid definition raises;
        otherwise an invalid KPI is set aside with its message (see engine.Catalogue)."""
        kpis = self.sudo().search([]) | self.sudo()
        definitions, excluded = [], {}
        for kpi in kpis:
            if kpi not in self and not kpi._facts_loaded():
                excluded[kpi.code] = self.env._(
                    "KPI %(code)s waits for the addon of its fact.", code=kpi.code
                )
                continue
            try:
                definitions.append(kpi._to_engine())
            except ValidationError as error:
                if strict:
                    raise
                excluded[kpi.code] = error.args[0]
        return engine.Catalogue(definitions, self._engine_facts(), excluded, strict)

    def _group_by_companies(self):
        """{(time zone, company ids): KPIs} — KPIs without a company are computed for
        all companies; companies are grouped by the time zone of their address."""
        companies = self.env["res.company"].sudo().search([])
        if "smart_dairy_company_ids" in self.env.context:
            # A manual run is limited to the companies of whoever started it.
            companies &= companies.browse(self.env.context["smart_dairy_company_ids"])
        zones = {}
        for company in companies:
            zones.setdefault(company.partner_id.tz or "UTC", []).append(company.id)
        groups = {}
        for kpi in self:
            for tz, ids in zones.items():
                members = [i for i in ids if not kpi.company_id or kpi.company_id.id == i]
                if members:
                    key = (tz, tuple(members))
                    groups[key] = groups.get(key, self.browse()) | kpi
        return groups

    @api.model
    def _engine_facts(self):
        return {
            model._table: engine.Fact(
                name=model._table,
                relation=model._table,
                date_column=model._fact_timestamp_column or "date",
                date_is_timestamp=bool(model._fact_timestamp_column),
                dimensions={column: column for column in model._fact_dimensions},
                measures={column: column for column in model._fact_measures},
                changed_column="changed_at",
                extra_columns=model._fact_filter_columns,
                boolean_columns={
                    name
                    for name in model._fact_filter_columns
                    if model._fields[name].type == "boolean"
                },
            )
            for model in self.env["smart.dairy.fact"]._fact_models()
        }

    def _facts_loaded(self):
        """Whether the facts this KPI reads are in the registry."""
        self.ensure_one()
        return all(
            not name or name in self.env for name in (self.fact_model, self.denominator_fact_model)
        )

    def _fact_table(self, model_name):
        """Facts are named for the engine by their view (KPIs name them by model)."""
        if model_name not in self.env:
            raise ValidationError(
                self.env._("KPI %(code)s needs a fact to compute from.", code=self.code)
            )
        return self.env[model_name]._table

    def _parse_domain(self, text, label):
        try:
            domain = ast.literal_eval(text or "[]")
        except (ValueError, SyntaxError) as error:
            raise ValidationError(
                self.env._(
                    "The %(label)s of KPI %(code)s is not a valid domain: %(error)s",
                    label=label,
                    code=self.code,
                    error=error,
                )
            ) from error
        if not isinstance(domain, list):
            raise ValidationError(
                self.env._(
                    "The %(label)s of KPI %(code)s must be a list of conditions.",
                    label=label,
                    code=self.code,
                )
            )
        return domain

    def _to_engine(self):
        """The definition as the engine's plain data."""
        self.ensure_one()
        numerator = denominator = aggregate = None
        if self.kind in ("aggregate", "ratio"):
            numerator = engine.Aggregate(
                fact=self._fact_table(self.fact_model),
                measure=self.measure or None,
                function=self.aggregation,
                domain=tuple(self._parse_domain(self.domain, self.env._("filter"))),
            )
        if self.kind == "ratio":
            denominator = engine.Aggregate(
                fact=self._fact_table(self.denominator_fact_model or self.fact_model),
                measure=self.denominator_measure or None,
                function=self.denominator_aggregation,
                domain=tuple(
                    self._parse_domain(self.denominator_domain, self.env._("denominator filter"))
                ),
            )
        if self.kind == "aggregate":
            aggregate, numerator = numerator, None
        return engine.Kpi(
            code=self.code,
            kind=self.kind,
            aggregate=aggregate,
            numerator=numerator,
            denominator=denominator,
            formula=self.formula if self.kind == "formula" else None,
            grains=self._grains,
            dimensions=tuple(self.dimension_ids.mapped("field_name")),
            scale=self.scale or 1.0,
            id=self.id,
        )

    def action_preview(self):
        """Compute the last periods live, without storing anything."""
        self.ensure_one()
        self._check_caller(ANALYTICS_MANAGER_GROUP)
        return self.env["smart.dairy.kpi.preview"].create({"kpi_id": self.id}).action_open()

    def action_recompute(self):
        """Recompute these KPIs (all active ones the caller may change when called on
        none) in full, in the caller's allowed companies only."""
        self._check_caller(ANALYTICS_MANAGER_GROUP, "write")
        kpis = (self or self.search([])).with_context(
            smart_dairy_company_ids=self.env.companies.ids
        )
        run = self.env["smart.dairy.kpi.run"]._run(kpis, mode="manual", commit=False)
        if run.state == "skipped":
            raise LockError(run.error)
        if run.state == "failed":
            # Nothing of a failed manual run is kept: the error rolls it back whole.
            raise UserError(
                self.env._(
                    "The recomputation failed for %(failed)s of %(count)s KPIs, so nothing "
                    "was saved:\n%(errors)s",
                    failed=len(run.failed_kpi_ids),
                    count=run.kpi_count,
                    errors=run.error,
                )
            )
        return run._action_notify()

    def action_open_values(self):
        self.ensure_one()
        self._check_caller(USER_GROUP)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "smart_dairy_bi.smart_dairy_kpi_value_action"
        )
        action["domain"] = [("kpi_id", "=", self.id)]
        return action

    def _describe(self, series):
        """A KPI series as JSON-ready data, with what a display needs to format it."""
        self.ensure_one()

        def point(p):
            data = dataclasses.asdict(p)
            data["period_start"] = p.period_start.isoformat()
            return data

        return {
            "code": self.code,
            "name": self.name,
            "description": self.description or "",
            "unit": self.unit or "",
            "display_format": self.display_format,
            "polarity": self.polarity,
            "grain": str(series.grain),
            "current": point(series.current),
            "points": [point(p) for p in series.points],
        }

    @api.model
    @api.readonly
    def get_values(
        self, codes, grain="day", date_from=None, date_to=None, breakdown="", dimension_values=None
    ):
        """Values of KPIs by code, with comparisons, for the caller's allowed companies.

        The one entry point of dashboards, alerts, exports and the JSON-2 API.
        """
        return self.env["smart.dairy.kpi.value"]._query(
            codes, grain, date_from, date_to, breakdown, dimension_values
        )
