from smart_dairy import kpi as engine
from smart_dairy.kpi import dashboard as layout
from smart_dairy.kpi import requests as checks

from odoo import api, models
from odoo.exceptions import AccessError, UserError

# ir.config_parameter key and engine.Limits field of each request limit.
LIMIT_PARAMS = {
    "codes": "smart_dairy_bi.request_max_codes",
    "ids": "smart_dairy_bi.request_max_ids",
    "periods": "smart_dairy_bi.request_max_periods",
}


class InvalidRequest(UserError):
    """Malformed or oversized input from a caller: answered 422 with the field,
    the problem and the limit hit (see ir.http), never with a traceback."""

    def __init__(self, field, problem, limit=None):
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem
        self.limit = limit


class SmartDairyRequest(models.AbstractModel):
    """The one validation layer for what callers send: JSON-2 payloads, dashboard
    filters (live, saved, in export URLs). The shape checks are the engine's; this
    adds the limits from the settings and the ids the caller may read."""

    _name = "smart.dairy.request"
    _description = "Smart Dairy Request Checks"

    @api.model
    def _limits(self):
        """The request limits of Settings (ir.config_parameter); defaults where unset
        or unusable."""
        params = self.env["ir.config_parameter"].sudo()
        defaults = engine.Limits()
        values = {}
        for name, key in LIMIT_PARAMS.items():
            try:
                value = int(params.get_param(key) or getattr(defaults, name))
            except ValueError:
                value = getattr(defaults, name)
            values[name] = value if value > 0 else getattr(defaults, name)
        return engine.Limits(**values)

    @api.model
    def _raise(self, error):
        raise InvalidRequest(error.field, error.problem, error.limit) from error

    @api.model
    def _check_id(self, value, field):
        try:
            return checks.check_id(value, field)
        except engine.RequestError as error:
            self._raise(error)

    @api.model
    def _check_date(self, value, field):
        try:
            return checks.check_date(value, field)
        except engine.RequestError as error:
            self._raise(error)

    @api.model
    def _check_text(self, value, field, choices=None):
        try:
            return checks.check_text(value, field, choices)
        except engine.RequestError as error:
            self._raise(error)

    @api.model
    def _check_query(self, payload, codes):
        """A get_values payload against ``codes`` (the KPIs the caller may query)."""
        dimensions = self.env["smart.dairy.kpi.dimension"].sudo().search([]).mapped("field_name")
        try:
            return engine.check_query(payload, codes, dimensions, self._limits())
        except engine.RequestError as error:
            self._raise(error)

    @api.model
    def _check_periods(self, date_from, date_to, grain, field="filters.date_to"):
        try:
            checks.check_periods(date_from, date_to, engine.Grain(grain), self._limits(), field)
        except engine.RequestError as error:
            self._raise(error)

    @api.model
    def _check_filters(self, filters, drop_unreadable=False):
        """Dashboard filters cleaned (see engine.check_filters); ids must exist and be
        readable by the caller, else InvalidRequest, or, with ``drop_unreadable``
        (filters saved earlier), those ids are left out."""
        try:
            checked = engine.check_filters(
                filters, layout.PRESETS, [d.key for d in layout.DIMENSION_FILTERS], self._limits()
            )
        except engine.RequestError as error:
            self._raise(error)
        for dimension in layout.DIMENSION_FILTERS:
            key, model = dimension.key, dimension.model
            ids = checked[key]
            if not ids:
                continue
            try:
                readable = set(
                    self.env[model].with_context(active_test=False).search([("id", "in", ids)]).ids
                )
            except AccessError:
                readable = set()
            missing = [i for i in ids if i not in readable]
            if missing and not drop_unreadable:
                raise InvalidRequest(
                    f"filters.{key}",
                    self.env._(
                        "no such records, or not yours to read: %(ids)s",
                        ids=", ".join(map(str, missing[:10])),
                    ),
                )
            checked[key] = [i for i in ids if i in readable]
        return checked
