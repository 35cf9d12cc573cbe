import json
import urllib.parse

from markupsafe import Markup
from smart_dairy.export import (
    dashboard_csv,
    dashboard_json,
    dashboard_xlsx,
    format_delta_pct,
    format_value,
)
from smart_dairy.kpi import dashboard as layout

from odoo import api, models
from odoo.exceptions import UserError

REPORT = "smart_dairy_bi.action_report_smart_dairy_dashboard"
# Inline SVG charts of the PDF (a wider left margin holds the value axis).
SVG_WIDTH, SVG_HEIGHT, SVG_PAD, SVG_LEFT = 640, 180, 28, 60
# Time series longer than this are summarised in the PDF: mean, minimum and maximum of
# every period, then the last SUMMARY_TAIL periods.
SUMMARY_AFTER, SUMMARY_TAIL = 31, 14
SVG_COLOURS = ("#1F77B4", "#FF7F0E", "#2CA02C", "#D62728", "#9467BD", "#8C564B")

WIDGET_FORMATS = ("csv", "json")  # the formats a single widget exports to


class SmartDairyDashboard(models.Model):
    """Exports of a dashboard as filtered: XLSX, PDF, CSV and JSON, one ``_render_<fmt>``
    each; CSV and JSON also of a single widget."""

    _inherit = "smart.dairy.dashboard"

    @api.model
    def _export_formats(self):
        """Export formats: key -> (label, mimetype, file extension). Add a format by
        extending this and writing ``_render_<key>(data)`` returning the file bytes."""
        return {
            "xlsx": (
                self.env._("Excel"),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "xlsx",
            ),
            "pdf": (self.env._("PDF"), "application/pdf", "pdf"),
            "csv": (self.env._("CSV"), "text/csv; charset=utf-8", "csv"),
            "json": (self.env._("JSON"), "application/json; charset=utf-8", "json"),
        }

    @api.model
    def _check_export_format(self, fmt):
        formats = self._export_formats()
        if fmt not in formats:
            raise UserError(
                self.env._(
                    "Dashboards export to %(formats)s, not %(format)s.",
                    formats=", ".join(sorted(formats)),
                    format=fmt,
                )
            )
        return formats[fmt]

    @api.model
    def _check_export_widget(self, dashboard, fmt, widget_id):
        """The widget id of a single-widget export (CSV and JSON only), or None."""
        if widget_id in (None, False):
            return None
        widget_id = self.env["smart.dairy.request"]._check_id(widget_id, "widget_id")
        if fmt not in WIDGET_FORMATS:
            raise UserError(self.env._("A single widget exports to CSV or JSON only."))
        if widget_id not in dashboard.widget_ids.ids:
            raise UserError(self.env._("The dashboard has no widget %s.", widget_id))
        return widget_id

    @api.model
    def action_export(self, dashboard_id, filters, fmt, widget_id=None):
        """An action downloading the dashboard (or one widget of it), as filtered, in
        format ``fmt``, for the companies of the call (``allowed_company_ids``: those
        shown on screen)."""
        self._check_export_format(fmt)
        dashboard_id = self.env["smart.dairy.request"]._check_id(dashboard_id, "dashboard_id")
        dashboard = self._get_allowed(dashboard_id)
        widget_id = self._check_export_widget(dashboard, fmt, widget_id)
        filters = dashboard._effective_filters(filters)
        params = {
            "filters": json.dumps(filters, separators=(",", ":")),
            "companies": ",".join(str(cid) for cid in self.env.companies.ids),
        }
        if widget_id:
            params["widget"] = widget_id
        query = urllib.parse.urlencode(params)
        return {
            "type": "ir.actions.act_url",
            "url": f"/smart_dairy/dashboard/{dashboard.id}/export/{fmt}?{query}",
            "target": "download",
        }

    @api.model
    def _export_file(self, dashboard_id, filters, fmt, widget_id=None):
        """(file name, mimetype, content) of the dashboard (or of widget ``widget_id``)
        exported as the current user."""
        _label, mimetype, extension = self._check_export_format(fmt)
        data = self._with_quality_notes(self.get_dashboard_data(dashboard_id, filters))
        dashboard = self._get_allowed(data["dashboard"]["id"])
        widget_id = self._check_export_widget(dashboard, fmt, widget_id)
        if widget_id:
            content = getattr(self, f"_render_{fmt}")(data, widget_id)
            title = next(w["title"] for w in data["widgets"] if w["id"] == widget_id)
        else:
            content = getattr(self, f"_render_{fmt}")(data)
            title = data["dashboard"]["name"]
        effective = data["filters"]
        name = f"{title} {effective['date_from']} {effective['date_to']}"
        return f"{name}.{extension}", mimetype, content

    @api.model
    def _with_quality_notes(self, data):
        """The payload with each widget's data quality warnings in its note: files have
        no badge. A copy: payloads are shared through the cache."""
        widgets = []
        for widget in data["widgets"]:
            names = [warning["name"] for warning in widget.get("quality") or []]
            if names:
                warning = self.env._("Data quality: built on data that fails %s.", "; ".join(names))
                widget = {**widget, "note": " ".join(filter(None, [widget["note"], warning]))}
            widgets.append(widget)
        return {**data, "widgets": widgets}

    @api.model
    def _render_csv(self, data, widget_id=None):
        return dashboard_csv(data, widget_id).encode()

    @api.model
    def _render_json(self, data, widget_id=None):
        return dashboard_json(data, widget_id).encode()

    @api.model
    def _render_xlsx(self, data):
        return dashboard_xlsx(data, self._export_filter_labels(data["filters"]))

    @api.model
    def _render_pdf(self, data):
        values = {"export": self._export_pdf_values(data)}
        content, _type = self.env["ir.actions.report"]._render_qweb_pdf(
            REPORT, res_ids=[data["dashboard"]["id"]], data=values
        )
        return content

    @api.model
    def _export_filter_labels(self, filters):
        """Names of the records the dimension filters select, as the user may read them."""
        labels = {}
        for dimension in layout.DIMENSION_FILTERS:
            key, model = dimension.key, dimension.model
            ids = filters.get(key) or []
            if ids and model in self.env:
                labels[key] = self.env[model].search([("id", "in", ids)]).mapped("display_name")
        return labels

    # ------------------------------------------------------------------- PDF

    @api.model
    def _export_pdf_values(self, data):
        """The dashboard data as the PDF shows it: formatted texts, tables and charts."""
        currency = data["currency"]
        filters = data["filters"]
        labels = self._export_filter_labels(filters)
        filter_lines = [
            (self.env._("Period"), f"{filters['date_from']} to {filters['date_to']}"),
            (self.env._("Companies"), ", ".join(data.get("companies") or [])),
        ]
        for dimension in layout.DIMENSION_FILTERS:
            if filters.get(dimension.key):
                names = ", ".join(labels.get(dimension.key) or [])
                filter_lines.append((dimension.title, names))
        cards, widgets = [], []
        for widget in data["widgets"]:
            kpis = widget.get("kpis") or [{}]
            if widget["type"] == "kpi_card":
                cards.append(_card_row(widget, kpis[0], currency))
            elif widget["type"] != "section":
                widgets.append(_widget_table(widget, currency))
        return {
            "name": data["dashboard"]["name"],
            "filters": filter_lines,
            "cards": cards,
            "widgets": widgets,
        }


def _text(value, kpi, currency):
    return format_value(value, kpi.get("display_format"), kpi.get("unit") or "", currency)


def _kpi_of(widget, code):
    kpis = widget.get("kpis") or [{}]
    return next((kpi for kpi in kpis if kpi.get("code") == code), kpis[0])


def _card_row(widget, kpi, currency):
    point = (widget.get("data") or {}).get("current") or {}
    delta = point.get("delta_previous_pct")
    better = delta if kpi.get("polarity") != "lower" else -delta if delta is not None else None
    achievement = point.get("achievement")
    return {
        "title": widget["title"],
        "value": _text(point.get("value"), kpi, currency),
        "period": point.get("label") or "",
        "delta_previous": format_delta_pct(delta),
        "delta_last_year": format_delta_pct(point.get("delta_last_year_pct")),
        "tone": "" if not better else ("good" if better > 0 else "bad"),
        "target": _text(point.get("target"), kpi, currency),
        "achievement": f"{achievement:.0%}" if achievement is not None else "—",
        "note": widget.get("note") or "",
    }


def _widget_table(widget, currency):
    """Header, rows and chart of a widget; texts already formatted."""
    data = widget.get("data") or {}
    result = {"title": widget["title"], "note": widget.get("note") or "", "header": []}
    result.update(rows=[], chart="", empty=bool(widget.get("empty") or not data))
    if result["empty"]:
        return result
    if widget["type"] == "gauge":
        kpi = _kpi_of(widget, None)
        value, target = data.get("value"), data.get("target")
        result["header"] = ["Value", "Target", "Achievement"]
        achievement = f"{value / target:.0%}" if value is not None and target else "—"
        result["rows"] = [[_text(value, kpi, currency), _text(target, kpi, currency), achievement]]
    elif widget["type"] == "heatmap":
        kpi = _kpi_of(widget, None)
        result["header"] = ["", *data["x_labels"]]
        result["rows"] = [
            [label, *(_text(value, kpi, currency) for value in values)]
            for label, values in zip(data["y_labels"], data["values"], strict=False)
        ]
    else:
        datasets = data.get("datasets") or []
        result["header"], columns = [""], []
        for dataset in datasets:
            kpi = _kpi_of(widget, dataset["code"])
            result["header"].append(dataset["label"])
            columns.append((kpi, dataset["values"]))
            if any(target is not None for target in dataset.get("targets") or []):
                result["header"].append(f"{dataset['label']} target")
                columns.append((kpi, dataset["targets"]))
        labels = data.get("labels") or []
        over_time = "breakdown" not in data or data.get("over_time")
        result["rows"] = [
            [label, *(_text(values[index], kpi, currency) for kpi, values in columns)]
            for index, label in enumerate(labels)
        ]
        if over_time and len(labels) > SUMMARY_AFTER:
            result["rows"] = _summary_rows(columns, currency) + result["rows"][-SUMMARY_TAIL:]
            result["note"] = " ".join(
                filter(
                    None,
                    [
                        result["note"],
                        f"{len(labels)} periods: their mean, minimum and maximum, then the "
                        f"last {SUMMARY_TAIL}.",
                    ],
                )
            )
        if widget["type"] not in ("table", "scatter") and datasets:
            line = over_time and widget["type"] != "bar"  # other addons' series as lines
            first = _kpi_of(widget, datasets[0]["code"])
            result["chart"] = _svg_chart(data["labels"], datasets, line, first, currency)
    return result


def _summary_rows(columns, currency):
    """Mean, minimum and maximum of each column's values (texts)."""
    rows = []
    for title, reduce in (
        ("Mean", lambda numbers: sum(numbers) / len(numbers)),
        ("Minimum", min),
        ("Maximum", max),
    ):
        row = [title]
        for kpi, values in columns:
            numbers = [value for value in values if value is not None]
            row.append(_text(reduce(numbers) if numbers else None, kpi, currency))
        rows.append(row)
    return rows


def _tick(value, kpi, currency):
    """A value axis label: short from a thousand on (12k, 1.5M), with the KPI's currency
    or unit."""
    if abs(value) < 1000:
        return _text(value, kpi, currency)
    size, suffix = (1e6, "M") if abs(value) >= 1e6 else (1e3, "k")
    number = f"{value / size:.1f}".rstrip("0").rstrip(".") + suffix
    display_format, currency = kpi.get("display_format"), currency or {}
    if display_format == "currency":
        symbol = currency.get("symbol") or ""
        return f"{symbol}{number}" if currency.get("position") == "before" else f"{number} {symbol}"
    if display_format == "percentage":
        return f"{number}%"
    units = {"volume": "L", "days": "days"}
    return f"{number} {kpi.get('unit') or units.get(display_format, '')}".strip()


def _svg_chart(labels, datasets, line, kpi=None, currency=None):
    """A small inline SVG: lines over time, or grouped bars, from zero to the top value,
    with a value axis (zero, half and the top) in the first KPI's format."""
    values = [v for dataset in datasets for v in dataset["values"] if v is not None]
    if not values or not labels:
        return ""
    low, high = min(0.0, *values), max(0.0, *values)
    span = (high - low) or 1.0
    plot_w, plot_h = SVG_WIDTH - SVG_LEFT - SVG_PAD, SVG_HEIGHT - 2 * SVG_PAD
    step = plot_w / len(labels)

    def y(value):
        return SVG_PAD + plot_h * (high - value) / span

    parts = [
        Markup('<line x1="{0}" y1="{1:.1f}" x2="{2}" y2="{1:.1f}" stroke="#999"/>').format(
            SVG_LEFT, y(0.0), SVG_WIDTH - SVG_PAD
        )
    ]
    for tick in sorted({low, (low + high) / 2, high}):
        parts.append(
            Markup(
                '<text class="o_sd_axis" x="{}" y="{:.1f}" font-size="8" text-anchor="end" '
                'fill="#666">{}</text>'
            ).format(SVG_LEFT - 4, y(tick) + 3, _tick(tick, kpi or {}, currency))
        )
    for index, dataset in enumerate(datasets):
        colour = SVG_COLOURS[index % len(SVG_COLOURS)]
        if line:
            points = " ".join(
                f"{SVG_LEFT + step * (i + 0.5):.1f},{y(v):.1f}"
                for i, v in enumerate(dataset["values"])
                if v is not None
            )
            parts.append(
                Markup('<polyline points="{}" fill="none" stroke="{}" stroke-width="2"/>').format(
                    points, colour
                )
            )
            continue
        width = step * 0.8 / len(datasets)
        for i, value in enumerate(dataset["values"]):
            if value is None:
                continue
            top, bottom = sorted((y(value), y(0.0)))
            parts.append(
                Markup(
                    '<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="{}"/>'
                ).format(
                    SVG_LEFT + step * (i + 0.1) + width * index, top, width, bottom - top, colour
                )
            )
    every = max(1, len(labels) // 8)
    chars = max(8, int(step * every / 5))
    for i, label in enumerate(labels):
        if i % every == 0:
            parts.append(
                Markup(
                    '<text x="{:.1f}" y="{}" font-size="9" text-anchor="middle">{}</text>'
                ).format(SVG_LEFT + step * (i + 0.5), SVG_HEIGHT - 8, str(label)[:chars])
            )
    for index, dataset in enumerate(datasets):
        parts.append(
            Markup('<text x="{}" y="{}" font-size="10" fill="{}">{}</text>').format(
                SVG_LEFT + 160 * index, 14, SVG_COLOURS[index % len(SVG_COLOURS)], dataset["label"]
            )
        )
    return Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" width="{0}" height="{1}" '
        'viewBox="0 0 {0} {1}">{2}</svg>'
    ).format(SVG_WIDTH, SVG_HEIGHT, Markup("").join(parts))
