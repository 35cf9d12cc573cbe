import ast
import datetime
from contextlib import contextmanager

import psycopg2
from psycopg2.extensions import make_dsn
from smart_dairy import dataquality, db, timeseries

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.sql_db import connection_info_for

from odoo.addons.smart_dairy_base.models.smart_dairy_access_mixin import (
    ANALYTICS_MANAGER_GROUP,
    USER_GROUP,
)

from .sensor_store import store_cursor
from .smart_dairy_alert_rule import SEVERITIES
from .smart_dairy_fact import SENSOR_STORE

KINDS = [
    ("not_null", "Completeness (not empty)"),
    ("unique", "Uniqueness"),
    ("accepted_values", "Accepted Values"),
    ("value_in_range", "Value in Range"),
    ("referential", "Referential Integrity"),
    ("freshness", "Freshness"),
    ("row_count", "Row-Count Anomaly"),
    ("balance", "Balance"),
    ("custom_sql", "Custom SQL"),
]
AREAS = [("sales", "Sales"), ("finance", "Finance"), ("farm", "Farm"), ("sensors", "Sensors")]
SOURCES = [("model", "Model or Fact View"), ("sensor", "Sensor Store")]
SENSOR_TABLE = f"{timeseries.SCHEMA}.{timeseries.TABLE}"
SENSOR_DEVICE_MODEL = "smart.dairy.iot.device"
# The fields a check's definition is made of: validated together at save.
DEFINITION_FIELDS = (
    "kind", "source", "model_id", "column_names", "filter_text", "sql_query", "tolerance_pct",
    "accepted_values", "bounds", "minimum", "maximum", "ref_model_id", "ref_column",
    "group_column", "max_age_hours", "lookback_hours", "amount_tolerance", "weeks", "z_limit",
    "min_change_pct",
)  # fmt: skip


def sensor_columns():
    """The columns of the sensor store's reading table, as the engine creates it."""
    spec = timeseries.TABLES[timeseries.TABLE]["columns"]
    return {line.split()[0] for line in spec.split(",")}


def read_only_connection(dbname):
    """A connection of its own to Odoo's database, for custom SQL (read-only sessions)."""
    _name, params = connection_info_for(dbname)
    dsn = make_dsn(**{k: v for k, v in params.items() if v not in (None, "")})
    return db.connect(dsn, application_name="smart_dairy_quality")


def split_names(text):
    return tuple(name.strip() for name in (text or "").split(",") if name.strip())


class SmartDairyQualityCheck(models.Model):
    """A declarative data quality check on a fact view, an ERP or farm model or the
    sensor store, run by the engine (``smart_dairy.dataquality``) as one SQL
    statement. The definition holds for every company; each run records a result
    per company of the rows examined, raises an alert per company when it fails
    and resolves it when it passes again."""

    _name = "smart.dairy.quality.check"
    _description = "Data Quality Check"
    _inherit = ["mail.thread", "smart.dairy.access.mixin"]
    _order = "area, sequence, id"
    _system_fields = frozenset({"last_run"})

    name = fields.Char(required=True, translate=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    sequence = fields.Integer(default=10)
    kind = fields.Selection(KINDS, required=True, default="not_null", tracking=True)
    source = fields.Selection(SOURCES, required=True, default="model")
    model_id = fields.Many2one(
        "ir.model",
        ondelete="cascade",
        domain=[("transient", "=", False), ("abstract", "=", False)],
    )
    table = fields.Char(compute="_compute_table", help="The table or view the check reads.")
    column_names = fields.Char(
        "Columns",
        help="Column names, separated by commas. Completeness and uniqueness take several; "
        "the other kinds check the first: the value, the key, the date or time, the amount.",
    )
    filter_text = fields.Char(
        "Filter",
        help="Rows to examine, as a list of (column, operator, value), e.g. "
        "[('state', '=', 'sale')]. Operators: = != < <= > >= in, not in.",
    )
    sql_query = fields.Text(
        "SQL",
        groups=ANALYTICS_MANAGER_GROUP,
        help="One SELECT returning the failing rows: an id column (of the model, to open "
        "them) and company_id to split them per company. Runs read-only, with a timeout; "
        "only administrators write it.",
    )
    is_admin = fields.Boolean(compute="_compute_is_admin", help="The user may write custom SQL.")
    tolerance_pct = fields.Float(
        "Tolerance (%)", help="Share of what is examined that may fail while the check passes."
    )
    accepted_values = fields.Char(help="Values allowed, separated by commas.")
    bounds = fields.Selection(
        [("both", "Minimum and Maximum"), ("minimum", "Minimum Only"), ("maximum", "Maximum Only")],
        default="both",
    )
    minimum = fields.Float()
    maximum = fields.Float()
    ref_model_id = fields.Many2one(
        "ir.model",
        "Refers To",
        ondelete="cascade",
        domain=[("transient", "=", False), ("abstract", "=", False)],
    )
    ref_column = fields.Char("Referenced Column", default="id")
    group_column = fields.Char(
        "Group By",
        help="Freshness per group (e.g. device_id); balance per group (e.g. move_id).",
    )
    max_age_hours = fields.Float("Maximum Age (hours)", default=24.0)
    lookback_hours = fields.Float(
        "Look Back (hours)",
        help="Freshness reads only the rows of this last stretch (fast on large tables); "
        "groups silent for longer are not seen. 0 reads every row.",
    )
    amount_tolerance = fields.Float(default=0.005, digits=(16, 4))
    weeks = fields.Integer(default=8, help="Weeks of the same weekday to compare with.")
    z_limit = fields.Float("Z-Score Limit", default=3.0)
    min_change_pct = fields.Float(
        "Minimum Change (%)", default=20.0, help="Smaller changes never count as anomalies."
    )
    severity = fields.Selection(SEVERITIES, required=True, default="warning", tracking=True)
    area = fields.Selection(AREAS, required=True, default="sales")
    user_id = fields.Many2one("res.users", "Owner", tracking=True, help="Gets the alert's to-do.")
    interval_hours = fields.Integer(
        "Every (hours)", default=24, required=True, help="How often the daily job runs it."
    )
    last_run = fields.Datetime(readonly=True)
    result_ids = fields.One2many("smart.dairy.quality.result", "check_id")
    result_count = fields.Integer(compute="_compute_result_count")

    _interval_positive = models.Constraint(
        "CHECK (interval_hours > 0)", "A check runs at least every hour or less often."
    )

    @api.depends("source", "model_id")
    def _compute_table(self):
        for check in self:
            check.table = check._table_name()

    def _compute_is_admin(self):
        self.is_admin = self.env.user.has_group("base.group_system")

    def _compute_result_count(self):
        counts = dict(
            self.env["smart.dairy.quality.result"]._read_group(
                [("check_id", "in", self.ids)], ["check_id"], ["__count"]
            )
        )
        for check in self:
            check.result_count = counts.get(check, 0)

    # ------------------------------------------------------------ definition

    def _table_name(self):
        self.ensure_one()
        if self.source == "sensor":
            return SENSOR_TABLE
        model = self.model_id.model
        if not model or model not in self.env:
            return False
        return self.env[model]._table

    def _source_model(self):
        """The source's model (empty recordset), or None for the sensor store."""
        model = self.model_id.model
        return self.env[model] if self.source == "model" and model in self.env else None

    def _quality_source(self):
        """What the check reads, as facts name their sources: a model name or SENSOR_STORE."""
        self.ensure_one()
        return SENSOR_STORE if self.source == "sensor" else self.model_id.model

    def _company_column(self):
        model = self._source_model()
        if model is None:
            return "company_id"
        field = model._fields.get("company_id")
        return "company_id" if field and field.store and field.type == "many2one" else None

    def _filters(self):
        if not self.filter_text:
            return ()
        try:
            value = ast.literal_eval(self.filter_text)
        except (ValueError, SyntaxError) as exc:
            raise dataquality.CheckError(
                self.env._("The filter is not a list of (column, operator, value): %s", exc)
            ) from exc
        if not isinstance(value, list | tuple):
            raise dataquality.CheckError(
                self.env._("The filter is not a list of (column, operator, value)")
            )
        return tuple(tuple(item) if isinstance(item, list) else item for item in value)

    def _to_engine(self):
        """The engine's Check of this record (raises CheckError when it cannot be one)."""
        self.ensure_one()
        table = self._table_name()
        if not table:
            raise dataquality.CheckError(self.env._("Choose the model the check reads."))
        columns = split_names(self.column_names)
        ref_table = None
        if self.kind == "referential":
            ref_model = self.ref_model_id.model
            ref_table = self.env[ref_model]._table if ref_model in self.env else None
        return dataquality.Check(
            kind=self.kind,
            table=table,
            columns=columns,
            key_column="id" if self.source == "model" else None,
            company_column=self._company_column(),
            filters=self._filters(),
            tolerance=(self.tolerance_pct or 0.0) / 100.0,
            values=split_names(self.accepted_values),
            minimum=self.minimum if self.bounds in ("both", "minimum") else None,
            maximum=self.maximum if self.bounds in ("both", "maximum") else None,
            ref_table=ref_table,
            ref_column=self.ref_column or "id",
            group_column=self.group_column or None,
            max_age=datetime.timedelta(hours=self.max_age_hours or 0),
            lookback=datetime.timedelta(hours=self.lookback_hours) if self.lookback_hours else None,
            amount_tolerance=self.amount_tolerance,
            weeks=self.weeks,
            z_limit=self.z_limit,
            min_change=(self.min_change_pct or 0.0) / 100.0,
        )

    def _sensor_store_present(self):
        """Whether the sensor store exists (in Odoo's database or the one configured)."""
        with store_cursor(self.env.cr) as cursor:
            return bool(dataquality.columns_of(cursor, SENSOR_TABLE))

    def _sensor_store_reachable(self):
        """Whether the sensor store exists and answers (a store configured elsewhere may
        be down when a check is saved: its names are then checked against the schema)."""
        try:
            return self._sensor_store_present()
        except psycopg2.OperationalError:
            return False

    @contextmanager
    def _source_cursor(self):
        """A psycopg2 cursor on what the check reads: Odoo's, or the sensor store's."""
        if self.source == "sensor":
            with store_cursor(self.env.cr) as cursor:
                yield cursor
        else:
            yield db.raw_cursor(self.env.cr)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_sql_author(vals)
        checks = super().create(vals_list)
        checks._check_sources_readable()
        return checks

    def write(self, vals):
        self._check_sql_author(vals)
        result = super().write(vals)
        if {"model_id", "ref_model_id"} & set(vals):
            self._check_sources_readable()
        return result

    def _check_sql_author(self, vals):
        """Custom SQL is written by administrators only (it reads any table)."""
        custom = vals.get("kind") == "custom_sql" or vals.get("sql_query")
        if custom and not self.env.su and not self.env.user.has_group("base.group_system"):
            raise AccessError(self.env._("Only administrators write custom SQL checks."))

    def _check_sources_readable(self):
        """The caller may read what the check reads (constraints run as superuser)."""
        if self.env.su:
            return
        for check in self:
            for name in (check.model_id.model, check.ref_model_id.model):
                if name and name in self.env and not self.env[name].has_access("read"):
                    raise ValidationError(
                        self.env._(
                            "You may not read %s, so you may not check it.",
                            self.env[name]._description,
                        )
                    )

    @api.constrains(*DEFINITION_FIELDS)
    def _check_definition(self):
        """Refuse at save what the engine could not run, in plain words."""
        for check in self:
            if check.kind == "custom_sql":
                check._validate_sql()
                continue
            if check.kind == "referential" and not check.ref_model_id:
                raise ValidationError(self.env._("Choose the model the key refers to."))
            try:
                spec = check._to_engine()
                if check.source == "sensor" and not check._sensor_store_reachable():
                    # No sensor store to read: check the names against its schema.
                    unknown = set(spec.columns) | {spec.group_column} - {None}
                    unknown -= sensor_columns()
                    if unknown:
                        raise dataquality.CheckError(
                            self.env._(
                                "The sensor store has no column %s", ", ".join(sorted(unknown))
                            )
                        )
                    continue
                with check._source_cursor() as cursor:
                    dataquality.validate(cursor, spec)
            except dataquality.CheckError as exc:
                raise ValidationError(
                    self.env._("Check %(name)s: %(problem)s", name=check.name, problem=exc)
                ) from exc

    def _validate_sql(self):
        conn = read_only_connection(self.env.cr.dbname)
        try:
            dataquality.validate_sql(conn, self.sql_query)
        except dataquality.CheckError as exc:
            raise ValidationError(
                self.env._("Check %(name)s: %(problem)s", name=self.name, problem=exc)
            ) from exc
        finally:
            conn.close()

    # ---------------------------------------------------------------- actions

    def action_run_now(self):
        """Run these checks now (Analytics Managers); opens their new results."""
        self._check_caller(ANALYTICS_MANAGER_GROUP, "read")
        now = fields.Datetime.now()
        results = self._run_checks(now)
        self.env["smart.dairy.quality.score"].sudo()._record_scores(now)
        return results._action_open(self.env._("Check Results"))

    def action_open_results(self):
        self._check_caller(USER_GROUP, "read")
        results = self.env["smart.dairy.quality.result"].search([("check_id", "in", self.ids)])
        return results._action_open(self.env._("Check Results"))
