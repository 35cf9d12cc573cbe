"""Write a dashboard, as returned by ``get_dashboard_data``, to an XLSX workbook.

The Summary sheet lists the KPI cards (value, comparisons, target, achievement
and a sparkline of the trend); every other widget gets a sheet with its data
and, when the widget is a chart, a native Excel chart of the same kind.

Every text is written as text: names of products, customers or widgets come from
users, and one such as ``=HYPERLINK(...)`` must not become a live formula or link.
"""

import datetime
import io
import re

import xlsxwriter
from smart_dairy.kpi.dashboard import DIMENSION_FILTERS
from xlsxwriter.utility import xl_range_abs

from .formats import DASH, excel_format, excel_scale

SUMMARY = "Summary"
CARD_TYPES = ("kpi_card",)
# Dashboard widget type -> Excel chart type (bars depend on the orientation).
CHART_TYPES = {
    "line": "line",
    "area": "area",
    "pie": "pie",
    "doughnut": "doughnut",
    "scatter": "scatter",
    "farm_map": "column",  # a map's values per farm, as columns
}
TARGET_LINE = {"line": {"dash_type": "dash"}, "marker": {"type": "none"}}
PCT_FORMAT = "+0.0%;-0.0%;0.0%"
DATE_FORMAT = "yyyy-mm-dd"
CHART_SIZE = {"x_scale": 1.5, "y_scale": 1.25}
CARD_COLUMNS = [
    ("KPI", 30),
    ("Period", 24),
    ("Value", 16),
    ("Previous period", 16),
    ("Change vs previous", 16),
    ("Change % vs previous", 12),
    ("Same period last year", 16),
    ("Change vs last year", 16),
    ("Change % vs last year", 12),
    ("Target", 16),
    ("Achievement", 12),
    ("Trend", 18),
    ("Note", 60),
]
TREND_COL = 11
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
# write() keeps strings as strings: no formulas, links or numbers guessed from text.
WORKBOOK_OPTIONS = {
    "in_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


def dashboard_xlsx(data, filter_labels=None):
    """Return the XLSX file (bytes) of the dashboard ``data``.

    ``filter_labels`` maps a filter key of ``data["filters"]`` (region_ids, ...)
    to the display names of the selected records; without it the ids are shown.
    """
    stream = io.BytesIO()
    workbook = xlsxwriter.Workbook(stream, WORKBOOK_OPTIONS)
    writer = _Writer(workbook, data)
    writer.summary(filter_labels or {})
    for widget in data.get("widgets", []):
        if widget["type"] not in (*CARD_TYPES, "section"):
            writer.widget(widget)
    workbook.close()
    return stream.getvalue()


class _Writer:
    """Holds the workbook, its cached formats and the sheet names in use."""

    def __init__(self, workbook, data):
        self.workbook = workbook
        self.data = data
        self.currency = data.get("currency") or {}
        self.sheet_names = set()
        self._formats = {}
        self.title = self.fmt(bold=True, font_size=14)
        self.header = self.fmt(bold=True, bg_color="#E8EEF4", bottom=1, text_wrap=True)
        self.bold = self.fmt(bold=True)
        self.note = self.fmt(italic=True, font_color="#666666")
        self.date = self.fmt(num_format=DATE_FORMAT)
        self.pct = self.fmt(num_format=PCT_FORMAT)
        self.achievement = self.fmt(num_format="0.0%")

    def fmt(self, **props):
        """A workbook format, created once per distinct set of properties."""
        key = tuple(sorted(props.items()))
        if key not in self._formats:
            self._formats[key] = self.workbook.add_format(props)
        return self._formats[key]

    def kpi_format(self, kpi):
        code = excel_format(kpi.get("display_format"), kpi.get("unit") or "", self.currency)
        return self.fmt(num_format=code)

    def sheet(self, title):
        """A new worksheet named after ``title``, made valid and unique for Excel."""
        base = _BAD_SHEET_CHARS.sub(" ", title or "Widget").strip().strip("'")[:31] or "Widget"
        name, counter = base, 1
        while name.lower() in self.sheet_names:
            counter += 1
            suffix = f" ({counter})"
            name = base[: 31 - len(suffix)] + suffix
        self.sheet_names.add(name.lower())
        return self.workbook.add_worksheet(name)

    # Summary ----------------------------------------------------------------

    def summary(self, filter_labels):
        sheet = self.sheet(SUMMARY)
        sheet.write(0, 0, self.data["dashboard"]["name"], self.title)
        row = 2
        for title, text in self._filter_lines(filter_labels):
            sheet.write(row, 0, title, self.bold)
            sheet.write(row, 1, text)
            row += 1
        row += 1
        cards = [w for w in self.data.get("widgets", []) if w["type"] in CARD_TYPES]
        for col, (title, width) in enumerate(CARD_COLUMNS):
            sheet.write(row, col, title, self.header)
            sheet.set_column(col, col, width)
        header_row = row
        trend_col = len(CARD_COLUMNS) + 1
        for row, widget in enumerate(cards, start=header_row + 1):
            self._card_row(sheet, row, trend_col, widget)
        if not cards:
            sheet.write(header_row + 1, 0, "This dashboard has no KPI cards.", self.note)
        sheet.freeze_panes(header_row + 1, 1)

    def _filter_lines(self, filter_labels):
        filters = self.data.get("filters") or {}
        period = f"{filters.get('date_from', '')} to {filters.get('date_to', '')}"
        if filters.get("preset") and filters["preset"] != "custom":
            period += f" ({filters['preset'].replace('_', ' ')})"
        yield "Period", period
        yield "Grain", self.data.get("grain", "")
        if self.data.get("companies"):
            yield "Companies", ", ".join(self.data["companies"])
        for dimension in DIMENSION_FILTERS:
            selected = filter_labels.get(dimension.key) or filters.get(dimension.key) or []
            yield dimension.title, ", ".join(str(value) for value in selected) or "All"

    def _card_row(self, sheet, row, trend_col, widget):
        kpi = widget["kpis"][0] if widget.get("kpis") else {}
        data = widget.get("data") or {}
        point = data.get("current") or {}
        scale = excel_scale(kpi.get("display_format"))
        number = self.kpi_format(kpi)
        sheet.write(row, 0, widget.get("title") or kpi.get("name", ""), self.bold)
        sheet.write(row, 1, point.get("label", ""))
        cells = [
            ("value", number, scale),
            ("previous", number, scale),
            ("delta_previous", number, scale),
            ("delta_previous_pct", self.pct, 1),
            ("last_year", number, scale),
            ("delta_last_year", number, scale),
            ("delta_last_year_pct", self.pct, 1),
            ("target", number, scale),
            ("achievement", self.achievement, 1),
        ]
        for col, (key, cell_format, factor) in enumerate(cells, start=2):
            _write_number(sheet, row, col, point.get(key), cell_format, factor)
        if widget.get("note"):
            sheet.write(row, TREND_COL + 1, widget["note"], self.note)
        series = data.get("series") or []
        if point.get("value") is None:
            sheet.write(row, 2, DASH)
        if series:
            for offset, value in enumerate(series):
                _write_number(sheet, row, trend_col + offset, value, number, scale)
            last = trend_col + len(series) - 1
            sheet.add_sparkline(
                row,
                TREND_COL,
                {
                    "range": _range(sheet.name, row, trend_col, row, last),
                    "markers": True,
                    "show_hidden": True,
                },
            )
            sheet.set_column(trend_col, last, None, None, {"hidden": True})

    # Widgets ----------------------------------------------------------------

    def widget(self, widget):
        sheet = self.sheet(widget.get("title"))
        sheet.write(0, 0, widget.get("title") or "", self.title)
        if widget.get("note"):
            sheet.write(1, 0, widget["note"], self.note)
        data = widget.get("data") or {}
        if widget.get("empty") or not data:
            sheet.write(2, 0, "No data for these filters.", self.note)
            return
        if widget["type"] == "gauge":
            self._gauge(sheet, widget, data)
        elif widget["type"] == "heatmap":
            self._heatmap(sheet, widget, data)
        elif "breakdown" in data and not data.get("over_time"):
            self._breakdown(sheet, widget, data)
        else:
            self._time_series(sheet, widget, data)

    def _kpi(self, widget, code):
        kpis = widget.get("kpis") or [{}]
        return next((kpi for kpi in kpis if kpi.get("code") == code), kpis[0])

    def _columns(self, sheet, row, titles, widths):
        for col, (title, width) in enumerate(zip(titles, widths, strict=True)):
            sheet.write(row, col, title, self.header)
            sheet.set_column(col, col, width)

    def _time_series(self, sheet, widget, data):
        labels, periods = data.get("labels") or [], data.get("periods") or []
        datasets = data.get("datasets") or []
        titles, widths, columns = ["Period", "Start"], [18, 12], []
        for dataset in datasets:
            kpi = self._kpi(widget, dataset.get("code"))
            columns.append((dataset.get("values") or [], kpi, dataset.get("label") or "", False))
            if any(value is not None for value in dataset.get("targets") or []):
                title = f"{dataset.get('label') or ''} target"
                columns.append((dataset["targets"], kpi, title, True))
        titles += [column[2] for column in columns]
        widths += [18] * len(columns)
        self._columns(sheet, 2, titles, widths)
        for row, label in enumerate(labels, start=3):
            sheet.write(row, 0, label)
            if row - 3 < len(periods):
                _write_date(sheet, row, 1, periods[row - 3], self.date)
        for col, (values, kpi, _title, _target) in enumerate(columns, start=2):
            cell_format, scale = self.kpi_format(kpi), excel_scale(kpi.get("display_format"))
            for row, value in enumerate(values, start=3):
                _write_number(sheet, row, col, value, cell_format, scale)
        sheet.freeze_panes(3, 1)
        if not labels or not columns:
            return
        kind = _chart_kind(widget)
        chart = self._chart(widget)
        target_lines = None
        # KPIs in other units than the first on a second axis (not for horizontal bars)
        first_kpi = columns[0][1]
        secondary = (widget.get("options") or {}).get("secondary_axis") and kind != "bar"
        for col, (_values, kpi, _title, is_target) in enumerate(columns, start=2):
            series = self._series(sheet, 3, 3 + len(labels) - 1, col, 0)
            if secondary and kpi is not first_kpi:
                series["y2_axis"] = True
                code = excel_format(kpi.get("display_format"), kpi.get("unit") or "", self.currency)
                chart.set_y2_axis({"num_format": code})
            if not is_target:
                chart.add_series(series)
            elif kind == "line":
                chart.add_series({**series, **TARGET_LINE})
            elif kind != "bar":  # Excel cannot draw a line over horizontal bars
                target_lines = target_lines or self.workbook.add_chart({"type": "line"})
                target_lines.add_series({**series, **TARGET_LINE})
        if target_lines:
            chart.combine(target_lines)
        self._finish_chart(sheet, chart, widget, len(titles) + 1)

    def _breakdown(self, sheet, widget, data):
        labels = data.get("labels") or []
        datasets = data.get("datasets") or []
        titles = [_breakdown_title(data.get("breakdown"))]
        titles += [dataset.get("label") or "" for dataset in datasets]
        growth = (datasets[0].get("growth") or []) if datasets else []
        if growth:
            titles.append("vs previous")
        self._columns(sheet, 2, titles, [28] + [18] * (len(titles) - 1))
        for row, label in enumerate(labels, start=3):
            sheet.write(row, 0, label)
        for col, dataset in enumerate(datasets, start=1):
            kpi = self._kpi(widget, dataset.get("code"))
            cell_format, scale = self.kpi_format(kpi), excel_scale(kpi.get("display_format"))
            for row, value in enumerate(dataset.get("values") or [], start=3):
                _write_number(sheet, row, col, value, cell_format, scale)
        for row, value in enumerate(growth, start=3):
            _write_number(sheet, row, len(datasets) + 1, value, self.pct, 1)
        sheet.freeze_panes(3, 1)
        if widget["type"] == "table" or not labels or not datasets:
            return
        chart = self._chart(widget)
        if widget["type"] == "scatter":  # the first KPI across, the second up
            last = 3 + len(labels) - 1
            chart.add_series(
                {
                    "name": widget.get("title") or "",
                    "categories": [sheet.name, 3, 1, last, 1],
                    "values": [sheet.name, 3, 2, last, 2],
                    "marker": {"type": "circle"},
                }
            )
            chart.set_x_axis({"name": datasets[0].get("label") or ""})
            chart.set_y_axis({"name": datasets[1].get("label") or ""})
            chart.set_title({"name": widget.get("title") or ""})
            chart.set_legend({"none": True})
            sheet.insert_chart(2, len(titles) + 1, chart, CHART_SIZE)
            return
        pie = widget["type"] in ("pie", "doughnut")
        for col in range(1, 2 if pie else len(datasets) + 1):
            series = self._series(sheet, 3, 3 + len(labels) - 1, col, 0)
            if pie:
                series["data_labels"] = {"percentage": True, "leader_lines": True}
            chart.add_series(series)
        self._finish_chart(sheet, chart, widget, len(titles) + 1)

    def _gauge(self, sheet, widget, data):
        kpi = self._kpi(widget, None)
        cell_format, scale = self.kpi_format(kpi), excel_scale(kpi.get("display_format"))
        self._columns(sheet, 2, ["Measure", "Value"], [20, 18])
        rows = [
            ("Value", data.get("value"), cell_format, scale),
            ("Target", data.get("target"), cell_format, scale),
            ("Minimum", data.get("min"), cell_format, scale),
            ("Maximum", data.get("max"), cell_format, scale),
        ]
        value, target = data.get("value"), data.get("target")
        achievement = value / target if value is not None and target else None
        rows.append(("Achievement", achievement, self.achievement, 1))
        for row, (title, number, num_format, factor) in enumerate(rows, start=3):
            sheet.write(row, 0, title, self.bold)
            _write_number(sheet, row, 1, number, num_format, factor)
        polarity = data.get("polarity") or kpi.get("polarity") or "higher"
        sheet.write(len(rows) + 4, 0, f"{polarity.title()} is better.", self.note)

    def _heatmap(self, sheet, widget, data):
        kpi = self._kpi(widget, None)
        cell_format, scale = self.kpi_format(kpi), excel_scale(kpi.get("display_format"))
        x_labels, y_labels = data.get("x_labels") or [], data.get("y_labels") or []
        self._columns(sheet, 2, ["", *x_labels], [24] + [14] * len(x_labels))
        rows = zip(y_labels, data.get("values") or [], strict=False)
        for row, (label, values) in enumerate(rows, start=3):
            sheet.write(row, 0, label, self.bold)
            for col, value in enumerate(values, start=1):
                _write_number(sheet, row, col, value, cell_format, scale)
        if y_labels and x_labels:
            low, high = ("#F8696B", "#63BE7B")
            if (kpi.get("polarity") or "higher") == "lower":
                low, high = high, low
            sheet.conditional_format(
                3,
                1,
                2 + len(y_labels),
                len(x_labels),
                {"type": "2_color_scale", "min_color": low, "max_color": high},
            )
        sheet.freeze_panes(3, 1)

    # Charts -----------------------------------------------------------------

    def _chart(self, widget):
        kind = _chart_kind(widget)
        spec = {"type": kind}
        if (widget.get("options") or {}).get("stacked") and kind in ("bar", "column", "area"):
            spec["subtype"] = "stacked"
        return self.workbook.add_chart(spec)

    def _series(self, sheet, first_row, last_row, col, label_col):
        return {
            "name": [sheet.name, 2, col],
            "categories": [sheet.name, first_row, label_col, last_row, label_col],
            "values": [sheet.name, first_row, col, last_row, col],
        }

    def _finish_chart(self, sheet, chart, widget, col):
        chart.set_title({"name": widget.get("title") or ""})
        if widget["type"] in ("pie", "doughnut"):
            chart.set_legend({"position": "right"})
        else:
            kpi = self._kpi(widget, None)
            code = excel_format(kpi.get("display_format"), kpi.get("unit") or "", self.currency)
            axis = {"num_format": code, "major_gridlines": {"visible": True}}
            if _chart_kind(widget) == "bar":
                chart.set_x_axis(axis)
                chart.set_y_axis({"reverse": True})
            else:
                chart.set_y_axis(axis)
            chart.set_legend({"position": "bottom"})
        sheet.insert_chart(2, col, chart, CHART_SIZE)


def _write_number(sheet, row, col, value, cell_format, factor):
    if value is None:
        sheet.write_blank(row, col, None, cell_format)
    else:
        sheet.write_number(row, col, value * factor, cell_format)


def _write_date(sheet, row, col, text, cell_format):
    try:
        day = datetime.date.fromisoformat(str(text)[:10])
    except ValueError:
        sheet.write(row, col, text)
        return
    sheet.write_datetime(row, col, datetime.datetime.combine(day, datetime.time()), cell_format)


def _breakdown_title(field_name):
    base = (field_name or "value").removesuffix("_id").replace("_", " ")
    return {"categ": "Product category", "team": "Sales channel", "partner": "Customer"}.get(
        base, base.title()
    )


def _chart_kind(widget):
    """The Excel chart type drawing ``widget``: bars are columns unless horizontal;
    widget types of other addons (time series of their own) as lines."""
    if widget["type"] == "bar":
        return "bar" if (widget.get("options") or {}).get("horizontal") else "column"
    return CHART_TYPES.get(widget["type"], "line")


def _range(sheet_name, first_row, first_col, last_row, last_col):
    quoted = "'{}'".format(sheet_name.replace("'", "''"))
    return f"{quoted}!{xl_range_abs(first_row, first_col, last_row, last_col)}"
