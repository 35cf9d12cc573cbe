import dataclasses
import datetime
import functools

from babel.dates import get_day_names
from smart_dairy import kpi as engine
from smart_dairy.kpi import dashboard as layout
from smart_dairy.kpi import farm_map

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import babel_locale_parse

from odoo.addons.smart_dairy_base.models.smart_dairy_access_mixin import USER_GROUP

from .localised_format import period_label
from .smart_dairy_dashboard_cache import STAMPED_TABLES, cached_payload
from .smart_dairy_dashboard_widget import BUILTIN_TYPES
from .smart_dairy_request import InvalidRequest

# The date presets a dashboard or a schedule starts from (the engine's registry;
# a custom range has no default).
DEFAULT_PRESETS = [(key, label) for key, label in layout.PRESETS.items() if key != "custom"]


def _filter_options():
    """The date presets and dimension filters, for the filter panel."""
    return {
        "presets": [[key, label] for key, label in layout.PRESETS.items()],
        "dimensions": [
            {"key": dimension.key, "model": dimension.model, "label": dimension.label}
            for dimension in layout.DIMENSION_FILTERS
        ],
    }


def _point(point):
    data = dataclasses.asdict(point)
    data["period_start"] = point.period_start.isoformat()
    return data


# Widgets that, broken down by a dimension, show each value over time.
OVER_TIME_TYPES = ("heatmap", "line", "area")
# Breakdown widgets that read each value's series (over time, or with its target).
SERIES_TYPES = (*OVER_TIME_TYPES, "farm_map")


class SmartDairyDashboard(models.Model):
    """A dashboard: widgets on a 12-column grid, for some groups and companies."""

    _name = "smart.dairy.dashboard"
    _inherit = ["smart.dairy.access.mixin"]
    _description = "Dashboard"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    group_ids = fields.Many2many(
        "res.groups",
        "smart_dairy_dashboard_group_rel",
        "dashboard_id",
        "group_id",
        string="Groups",
        help="Who may open the dashboard; empty for every Smart Dairy user.",
    )
    company_ids = fields.Many2many(
        "res.company",
        "smart_dairy_dashboard_company_rel",
        "dashboard_id",
        "company_id",
        string="Companies",
        help="Companies the dashboard is offered in; empty for all.",
    )
    home_group_ids = fields.Many2many(
        "res.groups",
        "smart_dairy_dashboard_home_group_rel",
        "dashboard_id",
        "group_id",
        string="Home For",
        help="Members of these groups land on this dashboard when they open Smart Dairy "
        "(the first by sequence when several match); a user's own choice in their "
        "preferences comes first.",
    )
    widget_ids = fields.One2many("smart.dairy.dashboard.widget", "dashboard_id", "Widgets")
    default_preset = fields.Selection(
        DEFAULT_PRESETS,
        "Default Period",
        required=True,
        default="last_30_days",
    )

    # ------------------------------------------------------------------ access

    @api.model
    def _home(self):
        """The dashboard the current user lands on: their own choice, else the first
        one made home for one of their groups, else the first they may open."""
        choice = self.env.user.smart_dairy_home_dashboard_id
        candidates = self.sudo().search([])
        groups = self.env.user.all_group_ids
        ordered = choice | candidates.filtered(lambda d: d.home_group_ids & groups) | candidates
        for dashboard in ordered:
            try:
                return self._get_allowed(dashboard.id)
            except AccessError:
                continue
        raise AccessError(self.env._("No dashboard is shared with you: ask an Analytics Manager."))

    @api.model
    def _get_allowed(self, dashboard_id):
        """The dashboard (as superuser), if the current user may open it; otherwise one
        AccessError that says nothing of whether, or for whom, the dashboard exists."""
        if not self.env.user.has_group(USER_GROUP):
            raise AccessError(self.env._("Dashboards are for Smart Dairy users only."))
        dashboard = self.sudo().browse(int(dashboard_id)).exists()
        if (
            not dashboard
            or (dashboard.group_ids and not dashboard.group_ids & self.env.user.all_group_ids)
            or (dashboard.company_ids and not dashboard.company_ids & self.env.companies)
            or not self.browse(dashboard.id).has_access("read")
        ):
            raise AccessError(
                self.env._(
                    "This dashboard does not exist or is not shared with you in the "
                    "companies you work in. Ask an Analytics Manager for access."
                )
            )
        return dashboard

    # ----------------------------------------------------------------- filters

    def _effective_filters(self, filters):
        """Filters as applied: dates from the preset (or the custom range), ids as ints.
        None means the user's saved filters, else the dashboard's default preset.
        Malformed filters raise InvalidRequest naming the field."""
        self.ensure_one()
        if filters is None:
            saved = self.env["smart.dairy.dashboard.filter"].search(
                [("user_id", "=", self.env.uid), ("dashboard_id", "=", self.id)], limit=1
            )
            checked = saved.sudo(False)._applicable_values()
        else:
            # Ids are checked with the caller's rights, also on a sudo() dashboard.
            Request = self.env(su=False)["smart.dairy.request"]
            checked = Request._check_filters(filters)
        preset = checked["preset"] or self.default_preset
        if preset == "custom":
            date_from, date_to = checked["date_from"], checked["date_to"]
        else:
            date_from, date_to = layout.preset_range(preset, fields.Date.context_today(self))
        result = {
            "preset": preset,
            "date_from": date_from.isoformat(),
            "date_to": date_to.isoformat(),
        }
        for dimension in layout.DIMENSION_FILTERS:
            result[dimension.key] = checked[dimension.key]
        return result

    @api.model
    def save_filters(self, dashboard_id, filters):
        """Remember ``filters`` for the current user on this dashboard; returns them as applied."""
        dashboard_id = self.env["smart.dairy.request"]._check_id(dashboard_id, "dashboard_id")
        dashboard = self._get_allowed(dashboard_id)
        values = dashboard._effective_filters(filters or {})
        # Saved filters are the system's: written here only, for the caller only.
        Filter = self.env["smart.dairy.dashboard.filter"].sudo()
        saved = Filter.search(
            [("user_id", "=", self.env.uid), ("dashboard_id", "=", dashboard.id)], limit=1
        )
        if saved:
            saved.values = values
        else:
            Filter.create({"user_id": self.env.uid, "dashboard_id": dashboard.id, "values": values})
        return values

    # -------------------------------------------------------------------- data

    @api.model
    @api.readonly
    def get_dashboard_data(self, dashboard_id, filters=None):
        """A whole dashboard as displayed, from the materialised KPI values, in one call
        (cached per dashboard, filters, companies and KPI run: see cached_payload).
        Without ``dashboard_id``, the user's home dashboard (see ``_home``)."""
        if dashboard_id in (None, False):
            dashboard = self._home()
        else:
            dashboard_id = self.env["smart.dairy.request"]._check_id(dashboard_id, "dashboard_id")
            dashboard = self._get_allowed(dashboard_id)
        filters = dashboard._effective_filters(filters)
        payload, kpi_ids = cached_payload(dashboard, filters)
        kpis = self.env["smart.dairy.kpi"].browse(kpi_ids)
        alerts = self.env["smart.dairy.alert"]._open_alerts_for_kpis(kpis)
        return {**payload, "alerts": alerts["alerts"], "alert_counts": alerts["counts"]}

    def _payload(self, filters):
        """The dashboard as displayed for ``filters`` (effective), without its alerts."""
        self.ensure_one()
        context = _Context(self.env(su=False), filters)
        widgets = self.widget_ids.filtered(context.shows)
        plans = [context.plan(widget) for widget in widgets]
        context.load()
        context.load_quality(widgets.kpi_ids)
        company = self.env.company
        currency = company.currency_id
        return {
            "dashboard": {"id": self.id, "name": self.name},
            "filters": filters,
            "filter_options": _filter_options(),
            "companies": context.env.companies.mapped("name"),
            "grain": context.auto,
            "currency": {
                "symbol": currency.symbol,
                "position": currency.position,
                "digits": currency.decimal_places,
            },
            "widgets": [
                context.render(widget, plan) for widget, plan in zip(widgets, plans, strict=True)
            ],
        }

    @api.model
    @api.private
    def _notify_open(self, payload):
        """Tell the open dashboards of every Smart Dairy user that what they show
        changed (KPI values, or another addon's widget data): they reload quietly."""
        users = self.env.ref("smart_dairy_base.group_smart_dairy_user").all_user_ids
        for partner in users.partner_id:
            partner._bus_send("smart_dairy_kpi_refreshed", payload)

    @api.model
    @api.private
    def _payload_stamp_tables(self):
        """Tables whose changes change payloads (see cached_payload); an addon whose
        widgets read other tables adds them."""
        return STAMPED_TABLES

    # ------------------------------------------------------------- drill-down

    @api.model
    @api.readonly
    def action_drilldown(
        self, widget_id, kpi_code, filters, period_start=None, dimension_value=None
    ):
        """The fact records behind a value of a widget: list, pivot and graph views."""
        Request = self.env["smart.dairy.request"]
        widget_id = Request._check_id(widget_id, "widget_id")
        kpi_code = Request._check_text(kpi_code, "kpi_code")
        if period_start is not None:
            period_start = Request._check_date(period_start, "period_start")
        if dimension_value is not None and not isinstance(dimension_value, str | int):
            Request._check_text(dimension_value, "dimension_value")
        # A missing widget gets the answer of a hidden dashboard: existence is information.
        widget = self.env["smart.dairy.dashboard.widget"].sudo().browse(widget_id).exists()
        dashboard = self._get_allowed(widget.dashboard_id.id or 0)
        filters = dashboard._effective_filters(filters)
        context = _Context(self.env, filters)
        if not context.shows(widget):
            self._get_allowed(0)  # another company's KPI: answered as a hidden dashboard
        kpi = widget.kpi_ids.filtered(lambda k: k.code == kpi_code)
        if not kpi:
            raise UserError(
                self.env._(
                    "Widget %(title)s shows no KPI %(code)s.", title=widget.title, code=kpi_code
                )
            )
        fact_model, kpi_domain = context.drill_fact(kpi)
        if not fact_model:
            raise UserError(self.env._("KPI %(code)s has no records to open.", code=kpi.code))
        Fact = self.env[fact_model]
        grain = widget._grain(context.auto)
        if period_start:
            start = engine.period_start(period_start, grain)
            end = engine.period_end(start, grain) - datetime.timedelta(days=1)
            period = period_label(self.env, start, grain)
        else:
            start, end = context.date_from, context.date_to
            period = f"{engine.label(start, 'day')} - {engine.label(end, 'day')}"
        facet = [("date", ">=", start.isoformat()), ("date", "<=", end.isoformat()), *kpi_domain]
        breakdown = widget.breakdown_id.field_name
        if breakdown and dimension_value is not None and breakdown in Fact._fields:
            facet.append((breakdown, "=", _field_value(Fact._fields[breakdown], dimension_value)))
        for column, ids in context.applied_filters(kpi, breakdown):
            if column in Fact._fields and not (breakdown and dimension_value is not None):
                facet.append((column, "in", ids))
        action_context = {"create": False}
        if kpi.kind != "formula" and kpi.aggregation == "count_distinct" and kpi.measure:
            # A distinct count is the number of groups: one per counted value.
            action_context["group_by"] = [kpi.measure]
        return {
            "type": "ir.actions.act_window",
            "name": f"{widget.title}: {period}",
            "res_model": fact_model,
            "views": [[False, "list"], [False, "pivot"], [False, "graph"]],
            "view_mode": "list,pivot,graph",
            # The companies are the switcher's; the rest is one removable facet.
            "domain": [("company_id", "in", self.env.companies.ids)],
            "facets": [{"description": f"{widget.title}: {period}", "domain": facet}],
            "context": action_context,
            "target": "current",
        }


def _field_value(field, value):
    """A dimension value (text) as a domain value of its fact column."""
    if not value:
        return False
    if field.type == "many2one":
        if isinstance(value, int) or str(value).isdigit():
            return int(value)
        raise InvalidRequest("dimension_value", f"{value!r} is not a record id")
    return value


class _Context:
    """What one dashboard load or drill-down needs: the filters, the catalogue and
    the engine requests of the widgets, batched so that KPIs read together share
    one engine call (one SQL query) per grain, breakdown and filter."""

    def __init__(self, env, filters):
        self.env = env
        self.filters = filters
        self.date_from = fields.Date.to_date(filters["date_from"])
        self.date_to = fields.Date.to_date(filters["date_to"])
        self.auto = layout.auto_grain(self.date_from, self.date_to).value
        self.by_code = {kpi.code: kpi for kpi in env["smart.dairy.kpi"].sudo().search([])}
        self.dimensions = {
            dimension.field_name: dimension
            for dimension in env["smart.dairy.kpi.dimension"].sudo().search([])
        }
        self.readable = set(env["smart.dairy.kpi"].search([]).ids)
        self.requests = {}  # (mode, grain, breakdown, values) -> set of codes
        self.results = {}
        self.warnings = {}  # kpi id -> data quality warnings

    @functools.cached_property
    def reader(self):
        """Reads the values, with the catalogue of the engine (built on first use)."""
        return self.env["smart.dairy.kpi.value"]._reader(self.env.companies)

    def shows(self, widget):
        """Whether the caller may see the widget: all its KPIs readable in their companies
        (a widget over another company's KPI is left out, its name and unit included);
        a widget type of another addon decides by that addon's rules."""
        if widget.widget_type not in BUILTIN_TYPES:
            return widget._extension_shown(self.env)
        return set(widget.kpi_ids.ids) <= self.readable

    def period_labels(self, series):
        """The labels of a series' periods in the caller's language ("mars 2025")."""
        return [period_label(self.env, p.period_start, series.grain) for p in series.points]

    # planning

    def applied_filters(self, kpi, breakdown=""):
        """[(column, ids)] of the dashboard filters a KPI's values are filtered by: the
        breakdown's own filter for breakdown widgets, else every filter set that the
        KPI is computed by (several at once are read from the daily cube, see
        engine.fetch_filtered)."""
        columns = set(kpi.dimension_ids.mapped("field_name"))
        return [
            (dimension.column, self.filters[dimension.key])
            for dimension in layout.DIMENSION_FILTERS
            if self.filters[dimension.key]
            and (dimension.column == breakdown if breakdown else dimension.column in columns)
        ]

    def plan(self, widget):
        """Register the engine requests of a widget; returns what rendering needs."""
        grain = widget._grain(self.auto)
        breakdown = widget.breakdown_id.field_name or ""
        keys, previous_keys, applied = {}, {}, set()
        for kpi in widget.kpi_ids:
            filters = self.applied_filters(kpi, breakdown)
            column, ids = filters[0] if filters else ("", ())
            values = tuple(str(i) for i in ids) if column else None
            if breakdown:
                # Rankings need range totals only; heatmaps and lines or areas over time
                # by dimension value need the points, farm maps each farm's target.
                mode = "breakdown" if widget.widget_type in SERIES_TYPES else "totals"
                key = (mode, grain, breakdown, values)
                if widget.widget_type == "table":  # growth against the previous period
                    previous_keys[kpi.code] = ("previous", grain, breakdown, values)
                    self.requests.setdefault(previous_keys[kpi.code], set()).add(kpi.code)
            elif len(filters) > 1:
                # Stored values hold one dimension at a time: the daily cube holds all.
                key = ("filtered", grain, "", tuple((c, tuple(v)) for c, v in filters))
            else:
                key = ("fetch", grain, column, values)
            self.requests.setdefault(key, set()).add(kpi.code)
            keys[kpi.code] = key
            applied.update(c for c, _ids in filters)
        return {
            "grain": grain,
            "keys": keys,
            "previous_keys": previous_keys,
            "note": self._note(applied),
        }

    def _note(self, applied):
        """Honest words on dimension filters a widget's values do not follow."""
        ignored = [
            dimension.column
            for dimension in layout.DIMENSION_FILTERS
            if self.filters[dimension.key] and dimension.column not in applied
        ]
        if not ignored:
            return ""
        names = ", ".join(self._dimension_name(column) for column in ignored)
        if applied:
            used = ", ".join(self._dimension_name(column) for column in sorted(applied))
            return self.env._(
                "Filtered by %(used)s only: the %(names)s filter does not apply here.",
                used=used,
                names=names,
            )
        return self.env._("Not filtered: the %(names)s filter does not apply here.", names=names)

    def _dimension_name(self, column):
        dimension = self.dimensions.get(column)
        return dimension.name.lower() if dimension else column

    # loading

    def load(self):
        """Run the batched engine calls."""
        if not self.requests:
            return
        for grain in {key[1] for key in self.requests}:
            self.env["smart.dairy.request"]._check_periods(self.date_from, self.date_to, grain)
        for key, codes in self.requests.items():
            mode, grain, breakdown, values = key
            if mode == "filtered":
                query = engine.Query(sorted(codes), grain, self.date_from, self.date_to)
                self.results[key] = self.reader.fetch_filtered(query, dict(values))
                continue
            query = engine.Query(
                sorted(codes), grain, self.date_from, self.date_to, breakdown, values
            )
            read = {
                "totals": self.reader.fetch_totals,
                "previous": lambda query: self.reader.fetch_totals(query, previous=True),
                "breakdown": self.reader.fetch_breakdown,
                "fetch": self.reader.fetch,
            }[mode]
            self.results[key] = read(query)

    def load_quality(self, kpis):
        """The data quality warnings of ``kpis`` in the caller's companies."""
        kpis = self.env["smart.dairy.kpi"].browse(kpis.ids)
        self.warnings = kpis._quality_warnings(self.reader.catalogue)

    # rendering

    def quality(self, widget):
        """The data quality warnings of a widget's KPIs, each failing result once."""
        seen, warnings = set(), []
        for kpi in widget.kpi_ids:
            for warning in self.warnings.get(kpi.id, []):
                if warning["result_id"] not in seen:
                    seen.add(warning["result_id"])
                    warnings.append(warning)
        return warnings

    def render(self, widget, plan):
        """A widget as the contract describes it, from the loaded series."""
        kpis = widget.kpi_ids
        series = {kpi.code: self.results[plan["keys"][kpi.code]][kpi.code] for kpi in kpis}
        kind = widget.widget_type
        note = plan["note"]
        if kind not in BUILTIN_TYPES:
            data, empty = {}, True  # filled by the addon adding the type, below
        elif kind == "section":
            data, empty = {}, False
        elif kind == "kpi_card":
            data, empty = self._card(series[kpis.code])
        elif kind == "gauge":
            data, empty = self._gauge(kpis, series[kpis.code])
        elif kind == "heatmap":
            data, empty = self._heatmap(widget, series[kpis.code])
        elif kind == "farm_map":
            data, empty = self._farm_map(widget, series[kpis.code])
        elif widget.breakdown_id and kind in OVER_TIME_TYPES:
            data, empty = self._timeline_by_value(widget, series[kpis.code])
        elif widget.breakdown_id:
            previous = {
                code: self.results[key][code] for code, key in plan["previous_keys"].items()
            }
            data, empty = self._ranking(widget, series, previous)
        else:
            data, empty = self._timeline(widget, series)
        payload = {
            "id": widget.id,
            "type": kind,
            "title": widget.title,
            "col": widget.col,
            "row": widget.row,
            "width": widget.width,
            "height": widget.height,
            "grain": plan["grain"],
            "breakdown": widget.breakdown_id.field_name or "",
            "note": note,
            "options": {
                "stacked": widget.stacked,
                "horizontal": widget.horizontal,
                "top_n": widget.top_n,
                "show_target": widget.show_target,
                "secondary_axis": widget.secondary_axis,
            },
            "kpis": [
                {
                    "code": kpi.code,
                    "name": kpi.name,
                    "description": kpi.description or "",
                    "unit": kpi.unit or "",
                    "display_format": kpi.display_format,
                    "polarity": kpi.polarity,
                    "fact_model": self.drill_fact(kpi)[0],
                    "quality": self.warnings.get(kpi.id, []),
                }
                for kpi in kpis
            ],
            "quality": self.quality(widget),
            "data": data,
            "empty": empty,
        }
        if kind not in BUILTIN_TYPES:
            payload.update(widget._extension_payload(self.env, self.filters))
        return payload

    def _card(self, series):
        data = {
            "current": _point(series.current),
            "series": series.series,
            "labels": self.period_labels(series),
        }
        return data, series.current.value is None

    def _gauge(self, kpi, series):
        value, target = series.current.value, series.current.target
        top = max(value or 0.0, target or 0.0)
        top = max(top, 100.0) if kpi.display_format == "percentage" else top * 1.2 or 1.0
        data = {"value": value, "target": target, "min": 0, "max": top, "polarity": kpi.polarity}
        return data, value is None

    def _timeline(self, widget, series):
        first = series[widget.kpi_ids[0].code]
        datasets = [
            {
                "code": kpi.code,
                "label": kpi.name,
                "values": series[kpi.code].series,
                "targets": [
                    p.target if widget.show_target else None for p in series[kpi.code].points
                ],
            }
            for kpi in widget.kpi_ids
        ]
        data = {
            "labels": self.period_labels(first),
            "periods": [p.period_start.isoformat() for p in first.points],
            "datasets": datasets,
        }
        empty = all(value is None for dataset in datasets for value in dataset["values"])
        return data, empty

    def _timeline_by_value(self, widget, by_value):
        """One series over time per dimension value (the largest first, the top N)."""
        totals = {
            key: sum(v for v in s.series if v is not None)
            if any(v is not None for v in s.series)
            else None
            for key, s in by_value.items()
        }
        keys = layout.rank(totals, widget.top_n)
        labels = self.value_labels(widget.breakdown_id, keys)
        kpi = widget.kpi_ids
        some = next(iter(by_value.values()), None)
        points = some.points if some else []
        datasets = [
            {
                "code": kpi.code,
                "label": labels[key],
                "dimension_value": key or "",
                "values": by_value[key].series,
            }
            for key in keys
        ]
        data = {
            "breakdown": widget.breakdown_id.field_name,
            "over_time": True,
            "labels": self.period_labels(some) if some else [],
            "periods": [p.period_start.isoformat() for p in points],
            "keys": [key or "" for key in keys],
            "datasets": datasets,
        }
        empty = all(value is None for dataset in datasets for value in dataset["values"])
        return data, empty

    def _ranking(self, widget, series, previous=None):
        """Values per dimension value, largest first; with ``previous`` (tables), each
        value's figure over the previous period and its growth against it."""
        kpis = widget.kpi_ids
        first = series[kpis[0].code]
        keys = layout.rank(first, widget.top_n)
        labels = self.value_labels(widget.breakdown_id, keys)
        datasets = [
            {
                "code": kpi.code,
                "label": kpi.name,
                "values": [series[kpi.code].get(key) for key in keys],
            }
            for kpi in kpis
        ]
        for dataset in datasets:
            if previous and dataset["code"] in previous:
                before = [previous[dataset["code"]].get(key) for key in keys]
                dataset["previous"] = before
                dataset["growth"] = [
                    layout.growth(now, then)
                    for now, then in zip(dataset["values"], before, strict=True)
                ]
        data = {
            "breakdown": widget.breakdown_id.field_name,
            "labels": [labels[key] for key in keys],
            "keys": [key or "" for key in keys],
            "datasets": datasets,
        }
        empty = all(value is None for dataset in datasets for value in dataset["values"])
        return data, empty

    def _heatmap(self, widget, by_value):
        matrix = layout.weekday_matrix(
            {key: [(p.period_start, p.value) for p in s.points] for key, s in by_value.items()}
        )
        totals = {
            key: sum(v for v in row if v is not None) if any(v is not None for v in row) else None
            for key, row in matrix.items()
        }
        keys = layout.rank(totals, widget.top_n)
        labels = self.value_labels(widget.breakdown_id, keys)
        locale = babel_locale_parse(self.env.lang or "en_US")
        days = get_day_names("abbreviated", locale=locale)
        data = {
            "x_labels": [days[weekday] for weekday in range(7)],
            "y_labels": [labels[key] for key in keys],
            "y_keys": [key or "" for key in keys],
            "values": [matrix[key] for key in keys],
        }
        return data, all(totals[key] is None for key in keys)

    def _farm_map(self, widget, by_value):
        """Each farm's value over the range with its target, placed on a drawing of
        farm_map.WIDTH x farm_map.HEIGHT from the farm's stored position; farms without
        one (and values of no farm) are listed as not placed. Also the ranking's
        labels, keys and dataset, which the exports read."""
        kpi = widget.kpi_ids
        values = {key: s.current.value for key, s in by_value.items()}
        targets = {key: s.current.target for key, s in by_value.items()}
        keys = layout.rank(values, widget.top_n)
        labels = self.value_labels(widget.breakdown_id, keys)
        ids = [int(key) for key in keys if key and str(key).isdigit()]
        # The values are already those of the caller's companies; the positions follow.
        farms = self.env[widget.breakdown_id.comodel].sudo().browse(ids).exists()
        positions = {
            str(farm.id): (farm.latitude, farm.longitude)
            for farm in farms
            if farm_map.placed(farm.latitude, farm.longitude)
        }
        points = farm_map.project(positions)
        radii = farm_map.radii({key: values[key] for key in keys if key in points})
        placed, unplaced = [], []
        for key in keys:
            farm = {"key": key or "", "label": labels[key], "value": values[key]}
            if key not in points:
                unplaced.append(farm)
                continue
            x, y = points[key]
            status = farm_map.target_status(values[key], targets[key], kpi.polarity)
            farm.update(target=targets[key], status=status, x=x, y=y, r=radii[key])
            farm.update(latitude=positions[key][0], longitude=positions[key][1])
            placed.append(farm)
        data = {
            "breakdown": widget.breakdown_id.field_name,
            "labels": [labels[key] for key in keys],
            "keys": [key or "" for key in keys],
            "datasets": [
                {
                    "code": kpi.code,
                    "label": kpi.name,
                    "values": [values[key] for key in keys],
                    "targets": [targets[key] for key in keys],
                }
            ],
            "width": farm_map.WIDTH,
            "height": farm_map.HEIGHT,
            "farms": placed,
            "unplaced": unplaced,
            "has_targets": any(farm["status"] for farm in placed),
        }
        return data, all(values[key] is None for key in keys)

    def value_labels(self, dimension, keys):
        """Display names of breakdown values; selection keys by their label."""
        labels = {}
        if dimension.comodel:
            labels = dimension.sudo()._value_labels([key for key in keys if key])
        else:
            for model in self.env["smart.dairy.fact"]._fact_models():
                field = model._fields.get(dimension.field_name)
                if field is not None and field.type == "selection":
                    labels = dict(field._description_selection(self.env))
                    break
        return {key: labels.get(key, key) if key else self.env._("Not set") for key in keys}

    def drill_fact(self, kpi):
        """(fact model, domain) of the records behind a KPI's value: its filter, and for
        sums and distinct counts only the records that add to them (for ratios, the
        numerator's). Formulas open their first input's fact, unfiltered."""
        seen = set()
        todo = [kpi]
        while todo:
            current = todo.pop(0)
            if current.code in seen:
                continue
            seen.add(current.code)
            if current.kind != "formula":
                if current is not kpi or not current.fact_model:
                    return current.fact_model or None, []
                domain = current._parse_domain(current.domain, "filter")
                return current.fact_model, domain + _counted(
                    self.env[current.fact_model], current.measure, current.aggregation
                )
            todo.extend(
                self.by_code[code]
                for code in sorted(self.reader.catalogue.dependencies(current.code))
                if code in self.by_code
            )
        return None, []


def _counted(Fact, measure, aggregation):
    """Conditions that keep the records adding to a sum or a distinct count."""
    field = Fact._fields.get(measure or "")
    if field is None or aggregation not in ("sum", "count_distinct"):
        return []
    if field.type == "boolean":
        return [(measure, "=", True)]
    if field.type in ("integer", "float", "monetary") and aggregation == "sum":
        return [(measure, "!=", 0), (measure, "!=", False)]
    return [(measure, "!=", False)]
