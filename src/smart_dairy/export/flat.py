"""CSV and JSON exports of a dashboard (or one of its widgets) as displayed: one row per
figure, with raw numbers (a percentage as the fraction the screen multiplies by 100),
so a script reading them gets exactly the values behind the screen.

``data`` is the dashboard payload (``get_dashboard_data``); widgets flatten by type:
cards give their current figure, time series a row per period (and per dimension value
when broken down over time), breakdowns a row per dimension value, heatmaps a row per
cell, gauges their value and target.
"""

import csv
import io
import json

COLUMNS = (
    "widget",
    "kpi",
    "kpi_name",
    "period_start",
    "label",
    "dimension",
    "dimension_value",
    "value",
    "previous",
    "last_year",
    "target",
)


TEXT_COLUMNS = ("widget", "kpi_name", "label", "dimension_value")
# A cell starting with one of these is a formula to a spreadsheet opening the CSV.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _kpi_names(widget):
    return {kpi.get("code"): kpi.get("name", "") for kpi in widget.get("kpis") or []}


def _row(widget, code, names, **values):
    return {
        "widget": widget.get("title") or "",
        "kpi": code or "",
        "kpi_name": names.get(code, ""),
        **{column: values.get(column) for column in COLUMNS[3:]},
    }


def widget_rows(widget):
    """The rows of one widget of the payload (none when it is empty)."""
    data = widget.get("data") or {}
    if widget.get("empty") or not data:
        return []
    names = _kpi_names(widget)
    first = next(iter(names), None)
    kind = widget.get("type")
    if kind == "kpi_card":
        point = data.get("current") or {}
        return [
            _row(
                widget,
                first,
                names,
                period_start=point.get("period_start"),
                label=point.get("label"),
                value=point.get("value"),
                previous=point.get("previous"),
                last_year=point.get("last_year"),
                target=point.get("target"),
            )
        ]
    if kind == "gauge":
        return [_row(widget, first, names, value=data.get("value"), target=data.get("target"))]
    if kind == "heatmap":
        return [
            _row(
                widget,
                first,
                names,
                label=f"{y} {x}",
                dimension=data.get("breakdown"),
                dimension_value=y_key,
                value=value,
            )
            for y, y_key, values in zip(
                data.get("y_labels") or [],
                data.get("y_keys") or [],
                data.get("values") or [],
                strict=False,
            )
            for x, value in zip(data.get("x_labels") or [], values, strict=False)
        ]
    rows = []
    for dataset in data.get("datasets") or []:
        code = dataset.get("code")
        values = dataset.get("values") or []
        if "breakdown" in data and not data.get("over_time"):
            before = dataset.get("previous") or []
            for index, (label, key, value) in enumerate(
                zip(data.get("labels") or [], data.get("keys") or [], values, strict=False)
            ):
                rows.append(
                    _row(
                        widget,
                        code,
                        names,
                        label=label,
                        dimension=data["breakdown"],
                        dimension_value=key,
                        value=value,
                        previous=before[index] if index < len(before) else None,
                    )
                )
            continue
        targets = dataset.get("targets") or []
        for index, (label, start, value) in enumerate(
            zip(data.get("labels") or [], data.get("periods") or [], values, strict=False)
        ):
            target = targets[index] if index < len(targets) else None
            rows.append(
                _row(
                    widget,
                    code,
                    names,
                    period_start=start,
                    label=label,
                    dimension=data.get("breakdown"),
                    dimension_value=dataset.get("dimension_value"),
                    value=value,
                    target=target,
                )
            )
    return rows


def _widgets(data, widget_id):
    widgets = data.get("widgets") or []
    if widget_id is None:
        return widgets
    chosen = [w for w in widgets if w.get("id") == widget_id]
    if not chosen:
        raise ValueError(f"the dashboard has no widget {widget_id}")
    return chosen


def dashboard_csv(data, widget_id=None):
    """The dashboard (or widget ``widget_id``) as CSV text, a header line first."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, COLUMNS, lineterminator="\n")
    writer.writeheader()
    for widget in _widgets(data, widget_id):
        writer.writerows(_inert(row) for row in widget_rows(widget))
    return buffer.getvalue()


def _inert(row):
    """The row with texts that a spreadsheet would run as formulas quoted ('=...)."""
    return {
        key: "'" + value
        if key in TEXT_COLUMNS and isinstance(value, str) and value.startswith(FORMULA_STARTS)
        else value
        for key, value in row.items()
    }


def dashboard_json(data, widget_id=None):
    """The dashboard (or widget ``widget_id``) as JSON text: its name, period, filters,
    companies and currency, and each widget's rows."""
    filters = data.get("filters") or {}
    document = {
        "dashboard": (data.get("dashboard") or {}).get("name"),
        "date_from": filters.get("date_from"),
        "date_to": filters.get("date_to"),
        "filters": filters,
        "companies": data.get("companies") or [],
        "currency": data.get("currency") or {},
        "widgets": [
            {
                "id": widget.get("id"),
                "title": widget.get("title"),
                "type": widget.get("type"),
                "rows": widget_rows(widget),
            }
            for widget in _widgets(data, widget_id)
        ],
    }
    return json.dumps(document, indent=1, ensure_ascii=False)
