"""Tests of the dashboard XLSX export: open the produced file and check what a reader sees."""

import copy
import io
import re
import zipfile

import pytest
from smart_dairy.export import dashboard_xlsx, excel_format, format_delta_pct, format_value

openpyxl = pytest.importorskip("openpyxl")
from openpyxl.chart import AreaChart, BarChart, DoughnutChart, LineChart, PieChart  # noqa: E402

# openpyxl drops the sparklines it cannot read; they are checked in the raw XML.
pytestmark = pytest.mark.filterwarnings("ignore:Sparkline Group extension:UserWarning")

EURO = {"symbol": "€", "position": "after", "digits": 2}
DOLLAR = {"symbol": "$", "position": "before", "digits": 2}
REVENUE = {
    "code": "REVENUE",
    "name": "Revenue",
    "unit": "",
    "display_format": "currency",
    "polarity": "higher",
    "fact_model": "smart.dairy.fact.sales",
}
PRODUCTION = {
    "code": "PRODUCTION",
    "name": "Production Volume",
    "unit": "L",
    "display_format": "volume",
    "polarity": "higher",
    "fact_model": "smart.dairy.fact.milk",
}
MARGIN = {
    "code": "GROSS_MARGIN",
    "name": "Gross Margin",
    "unit": "%",
    "display_format": "percentage",
    "polarity": "higher",
    "fact_model": "smart.dairy.fact.sales",
}
SCC = {
    "code": "AVG_SCC",
    "name": "Average Somatic Cell Count",
    "unit": "cells/mL",
    "display_format": "number",
    "polarity": "lower",
    "fact_model": "smart.dairy.fact.milk",
}
DSO = {
    "code": "DSO",
    "name": "Days Sales Outstanding",
    "unit": "days",
    "display_format": "days",
    "polarity": "lower",
    "fact_model": "smart.dairy.fact.balance",
}
FEED_CONVERSION = {
    "code": "FEED_CONVERSION",
    "name": "Feed Conversion",
    "unit": "kg/L",
    "display_format": "ratio",
    "polarity": "lower",
    "fact_model": "smart.dairy.fact.feed",
}


def point(value, previous=None, last_year=None, target=None, label="2025-01-01 to 2025-01-30"):
    def delta(other):
        return None if value is None or other is None else value - other

    def pct(other):
        return None if value is None or not other else (value - other) / abs(other)

    return {
        "period_start": "2025-01-01",
        "label": label,
        "value": value,
        "previous": previous,
        "last_year": last_year,
        "target": target,
        "achievement": value / target if value is not None and target else None,
        "delta_previous": delta(previous),
        "delta_previous_pct": pct(previous),
        "delta_last_year": delta(last_year),
        "delta_last_year_pct": pct(last_year),
    }


def widget(wid, kind, title, kpis, data, options=None, empty=False, note=""):
    return {
        "note": note,
        "id": wid,
        "type": kind,
        "title": title,
        "col": 0,
        "row": wid,
        "width": 6,
        "height": 2,
        "options": {"stacked": False, "horizontal": False, "top_n": 0, **(options or {})},
        "kpis": kpis,
        "data": data,
        "empty": empty,
    }


LABELS = ["2025-01-01", "2025-01-02", "2025-01-03"]
PERIODS = ["2025-01-01", "2025-01-02", "2025-01-03"]


@pytest.fixture
def data():
    """An Executive-like dashboard following the get_dashboard_data contract."""
    return {
        "dashboard": {"id": 1, "name": "Executive"},
        "filters": {
            "preset": "last_30_days",
            "date_from": "2025-01-01",
            "date_to": "2025-01-30",
            "region_ids": [3, 4],
            "categ_ids": [],
            "team_ids": [],
            "farm_ids": [],
        },
        "grain": "day",
        "currency": EURO,
        "widgets": [
            widget(
                1,
                "kpi_card",
                "Revenue",
                [REVENUE],
                {
                    "current": point(12500.5, previous=10000.0, last_year=12500.5, target=15000.0),
                    "series": [4000.0, 4500.5, 4000.0],
                    "labels": LABELS,
                },
            ),
            widget(
                2,
                "kpi_card",
                "Gross Margin",
                [MARGIN],
                {"current": point(35.2, previous=32.0), "series": [34.0, 36.4], "labels": LABELS},
            ),
            widget(
                3,
                "kpi_card",
                "Active Customers",
                [dict(REVENUE, code="ACTIVE_CUSTOMERS", display_format="number")],
                {"current": point(None), "series": [], "labels": []},
                note="Active customers do not add up over several periods.",
            ),
            widget(
                4,
                "line",
                "Revenue Trend",
                [REVENUE],
                {
                    "labels": LABELS,
                    "periods": PERIODS,
                    "datasets": [
                        {
                            "code": "REVENUE",
                            "label": "Revenue",
                            "values": [4000.0, 4500.5, None],
                            "targets": [5000.0, 5000.0, 5000.0],
                        }
                    ],
                },
            ),
            widget(
                5,
                "bar",
                "Revenue by Region",
                [REVENUE, MARGIN],
                {
                    "breakdown": "region_id",
                    "labels": ["North", "South"],
                    "keys": ["3", "4"],
                    "datasets": [
                        {"code": "REVENUE", "label": "Revenue", "values": [8000.0, 4500.5]},
                        {"code": "GROSS_MARGIN", "label": "Gross Margin", "values": [40.0, 25.5]},
                    ],
                },
            ),
            widget(
                6,
                "bar",
                "Production by Farm",
                [PRODUCTION],
                {
                    "labels": LABELS,
                    "periods": PERIODS,
                    "datasets": [
                        {
                            "code": "PRODUCTION",
                            "label": "Production Volume",
                            "values": [1200.0, 1300.0, 1250.0],
                            "targets": [None, None, None],
                        }
                    ],
                },
                options={"stacked": True, "horizontal": True},
            ),
            widget(
                7,
                "pie",
                "Herd: Status?",  # a character Excel refuses in sheet names
                [PRODUCTION],
                {
                    "breakdown": "farm_id",
                    "labels": ["Farm A", "Farm B"],
                    "keys": ["1", "2"],
                    "datasets": [
                        {"code": "PRODUCTION", "label": "Production", "values": [700.0, 300.0]}
                    ],
                },
            ),
            widget(
                8,
                "doughnut",
                "SCC by grade",
                [SCC],
                {
                    "breakdown": "quality_grade",
                    "labels": ["Premium", "A"],
                    "keys": ["premium", "a"],
                    "datasets": [{"code": "AVG_SCC", "label": "SCC", "values": [150000.0, 0.0]}],
                },
            ),
            widget(
                9,
                "area",
                "Days Sales Outstanding",
                [DSO],
                {
                    "labels": LABELS,
                    "periods": PERIODS,
                    "datasets": [
                        {
                            "code": "DSO",
                            "label": "DSO",
                            "values": [31.5, 30.0, 29.25],
                            "targets": [30.0, 30.0, 30.0],
                        }
                    ],
                },
                options={"stacked": True},
            ),
            widget(
                10,
                "table",
                "Top Products",
                [REVENUE],
                {
                    "breakdown": "product_id",
                    "labels": ["Whole Milk 1L", "Yoghurt 500g"],
                    "keys": ["10", "11"],
                    "datasets": [{"code": "REVENUE", "label": "Revenue", "values": [900.0, 450.0]}],
                },
                options={"top_n": 10},
                note="The Farm filter does not apply to Revenue.",
            ),
            widget(
                11,
                "gauge",
                "Feed Conversion",
                [FEED_CONVERSION],
                {"value": 0.45, "target": 0.5, "min": 0, "max": 1.0, "polarity": "lower"},
            ),
            widget(
                12,
                "heatmap",
                "Production by Farm and Weekday",
                [PRODUCTION],
                {
                    "x_labels": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
                    "y_labels": ["Farm A", "Farm B"],
                    "y_keys": ["1", "2"],
                    "values": [[100, 110, 120, 130, 140, 150, 160], [50, 55, 60, None, 70, 75, 80]],
                },
            ),
            widget(13, "line", "Revenue Trend", [REVENUE], {}, empty=True),
        ],
        "alerts": [],
    }


def open_book(content):
    return openpyxl.load_workbook(io.BytesIO(content))


def rows(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def find_row(sheet, first_cell):
    for row in sheet.iter_rows():
        if row[0].value == first_cell:
            return row
    raise AssertionError(f"no row starting with {first_cell!r} in {sheet.title}")


# Display formats ------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "display_format", "unit", "currency", "text", "code"),
    [
        (1234.5, "currency", "", EURO, "1,234.50\u00a0€", '#,##0.00" €"'),
        (-1234.5, "currency", "", DOLLAR, "-$1,234.50", '"$"#,##0.00'),
        (7, "currency", "", {"symbol": "¥", "position": "before", "digits": 0}, "¥7", '"¥"#,##0'),
        (35.25, "percentage", "%", EURO, "35.2%", "#,##0.0%"),
        (12400.4, "volume", "L", EURO, "12,400 L", '#,##0" L"'),
        (18.26, "volume", "L/cow/day", EURO, "18.3 L/cow/day", '#,##0.0" L/cow/day"'),
        (42.04, "days", "days", EURO, "42.0 days", '#,##0.0" days"'),
        (0.456, "ratio", "kg/L", EURO, "0.46 kg/L", '#,##0.00" kg/L"'),
        (5.5, "ratio", "x", EURO, "5.50x", '#,##0.00"x"'),
        (150000, "number", "cells/mL", EURO, "150,000 cells/mL", '#,##0" cells/mL"'),
        (12, "number", "", EURO, "12", "#,##0"),
    ],
)
def test_display_formats(value, display_format, unit, currency, text, code):
    assert format_value(value, display_format, unit, currency) == text
    assert excel_format(display_format, unit, currency) == code


def test_missing_values_and_deltas_read_as_dash_or_signed():
    assert format_value(None, "currency", "", EURO) == "—"
    assert format_value(-0.001, "volume", "L") == "0 L"  # no "-0"
    assert format_delta_pct(0.125) == "+12.5%"
    assert format_delta_pct(-0.03) == "-3.0%"
    assert format_delta_pct(None) == "—"


# Workbook ---------------------------------------------------------------------


def test_one_summary_sheet_then_one_sheet_per_widget_with_valid_unique_names(data):
    book = open_book(dashboard_xlsx(data))
    assert book.sheetnames == [
        "Summary",
        "Revenue Trend",
        "Revenue by Region",
        "Production by Farm",
        "Herd  Status",
        "SCC by grade",
        "Days Sales Outstanding",
        "Top Products",
        "Feed Conversion",
        "Production by Farm and Weekday",
        "Revenue Trend (2)",
    ]


def test_summary_names_the_companies_the_figures_cover(data):
    data["companies"] = ["Dairy A", "Dairy B"]
    sheet = open_book(dashboard_xlsx(data))["Summary"]
    assert find_row(sheet, "Companies")[1].value == "Dairy A, Dairy B"


def test_long_titles_are_cut_to_excel_limit_and_stay_unique(data):
    long = "Litres per day by farm and by region over the period"
    data["widgets"] = [
        widget(1, "table", long, [REVENUE], copy.deepcopy(data["widgets"][9]["data"])),
        widget(2, "table", long, [REVENUE], copy.deepcopy(data["widgets"][9]["data"])),
    ]
    names = open_book(dashboard_xlsx(data)).sheetnames
    assert names[1:] == [long[:31], long[:27] + " (2)"]
    assert all(len(name) <= 31 for name in names)


def test_summary_lists_the_filters_and_the_cards_with_their_formats(data):
    sheet = open_book(dashboard_xlsx(data, {"region_ids": ["North", "South"]}))["Summary"]
    assert sheet["A1"].value == "Executive"
    assert find_row(sheet, "Period")[1].value == "2025-01-01 to 2025-01-30 (last 30 days)"
    assert find_row(sheet, "Regions")[1].value == "North, South"
    assert find_row(sheet, "Farms")[1].value == "All"
    assert not any(row[0].value == "Companies" for row in sheet.iter_rows())
    header = [cell.value for cell in find_row(sheet, "KPI")]
    assert header[:4] == ["KPI", "Period", "Value", "Previous period"]

    revenue = find_row(sheet, "Revenue")
    assert [cell.value for cell in revenue[2:11]] == [
        12500.5,
        10000.0,
        2500.5,
        pytest.approx(0.25005),
        12500.5,
        0,
        0,
        15000.0,
        pytest.approx(12500.5 / 15000.0),
    ]
    assert revenue[2].number_format == '#,##0.00" €"'
    assert revenue[4].number_format == '#,##0.00" €"'
    assert revenue[5].number_format == "+0.0%;-0.0%;0.0%"
    assert revenue[10].number_format == "0.0%"

    margin = find_row(sheet, "Gross Margin")
    # percentage points become Excel fractions shown with Excel's percentage format
    assert margin[2].value == pytest.approx(0.352)
    assert margin[2].number_format == "#,##0.0%"
    assert margin[4].value == pytest.approx(0.032)

    customers = find_row(sheet, "Active Customers")
    assert customers[2].value == "—"
    assert customers[12].value == "Active customers do not add up over several periods."


def test_cards_get_a_sparkline_of_their_series(data):
    with zipfile.ZipFile(io.BytesIO(dashboard_xlsx(data))) as archive:
        summary = archive.read("xl/worksheets/sheet1.xml").decode()
    assert summary.count("<x14:sparkline>") == 2  # the card without a series has none
    # Revenue has three points (columns O:Q), the margin two (O:P), next to the card table.
    assert re.search(r"<xm:f>'Summary'!O(\d+):Q\1</xm:f><xm:sqref>L\1</xm:sqref>", summary)
    assert re.search(r"<xm:f>'Summary'!O(\d+):P\1</xm:f><xm:sqref>L\1</xm:sqref>", summary)


def test_time_series_sheet_has_periods_values_targets_and_a_line_chart(data):
    sheet = open_book(dashboard_xlsx(data))["Revenue Trend"]
    table = rows(sheet)
    assert table[2] == ["Period", "Start", "Revenue", "Revenue target"]
    assert table[3][0] == "2025-01-01"
    assert table[3][1].date().isoformat() == "2025-01-01"
    assert [row[2] for row in table[3:6]] == [4000.0, 4500.5, None]
    assert [row[3] for row in table[3:6]] == [5000.0, 5000.0, 5000.0]
    assert sheet["C4"].number_format == '#,##0.00" €"'
    assert sheet["B4"].number_format == "yyyy-mm-dd"
    (chart,) = sheet._charts
    assert isinstance(chart, LineChart)
    assert len(chart.series) == 2
    assert chart.series[1].spPr.ln.prstDash == "dash"
    assert chart.series[0].val.numRef.f == "'Revenue Trend'!$C$4:$C$6"
    assert chart.series[0].cat.strRef.f == "'Revenue Trend'!$A$4:$A$6"


def _chart_xml(content):
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = [name for name in archive.namelist() if name.startswith("xl/charts/chart")]
        return {name: archive.read(name).decode() for name in names}


def _value_axes(charts):
    return sum(xml.count("<c:valAx>") for xml in charts.values())


def test_a_second_kpi_in_other_units_gets_its_own_axis(data):
    trend = next(w for w in data["widgets"] if w["title"] == "Revenue Trend")
    trend["kpis"] = [REVENUE, MARGIN]
    trend["data"]["datasets"].append(
        {"code": "GROSS_MARGIN", "label": "Gross Margin", "values": [0.4, 0.3, 0.35]}
    )
    before = _chart_xml(dashboard_xlsx(data))
    trend["options"] = {**(trend.get("options") or {}), "secondary_axis": True}
    after = _chart_xml(dashboard_xlsx(data))
    assert _value_axes(after) == _value_axes(before) + 1
    assert any('formatCode="#,##0.0%"' in xml and "<c:valAx>" in xml for xml in after.values())


def test_a_scatter_plots_the_first_kpi_across_and_the_second_up(data):
    bar = next(w for w in data["widgets"] if w["title"] == "Revenue by Region")
    bar["type"] = "scatter"
    sheet = open_book(dashboard_xlsx(data))["Revenue by Region"]
    assert rows(sheet)[2] == ["Region", "Revenue", "Gross Margin"]
    (chart,) = [xml for xml in _chart_xml(dashboard_xlsx(data)).values() if "Region" in xml]
    assert "<c:scatterChart>" in chart
    assert "'Revenue by Region'!$B$4:$B$5" in chart and "'Revenue by Region'!$C$4:$C$5" in chart


def test_breakdown_bar_keeps_each_kpi_format_and_draws_columns(data):
    sheet = open_book(dashboard_xlsx(data))["Revenue by Region"]
    assert rows(sheet)[2:5] == [
        ["Region", "Revenue", "Gross Margin"],
        ["North", 8000.0, 0.4],
        ["South", 4500.5, 0.255],
    ]
    assert sheet["B4"].number_format == '#,##0.00" €"'
    assert sheet["C4"].number_format == "#,##0.0%"
    (chart,) = sheet._charts
    assert isinstance(chart, BarChart)
    assert (chart.barDir, chart.grouping) == ("col", "clustered")
    assert len(chart.series) == 2


def test_horizontal_stacked_bar_chart_and_volume_format(data):
    sheet = open_book(dashboard_xlsx(data))["Production by Farm"]
    assert rows(sheet)[2] == ["Period", "Start", "Production Volume"]  # no empty target column
    assert sheet["C4"].value == 1200.0
    assert sheet["C4"].number_format == '#,##0" L"'
    (chart,) = sheet._charts
    assert isinstance(chart, BarChart)
    assert (chart.barDir, chart.grouping) == ("bar", "stacked")


def test_bar_chart_with_targets_combines_a_target_line(data):
    data["widgets"][5]["options"] = {"stacked": False, "horizontal": False}
    data["widgets"][5]["data"]["datasets"][0]["targets"] = [1000.0, 1000.0, 1000.0]
    sheet = open_book(dashboard_xlsx(data))["Production by Farm"]
    with zipfile.ZipFile(io.BytesIO(dashboard_xlsx(data))) as archive:
        charts = [name for name in archive.namelist() if name.startswith("xl/charts/chart")]
        xml = "".join(archive.read(name).decode() for name in charts)
    assert rows(sheet)[2] == ["Period", "Start", "Production Volume", "Production Volume target"]
    assert "<c:barChart>" in xml
    assert "<c:lineChart>" in xml


def test_pie_and_doughnut_show_percentages_of_the_first_dataset(data):
    book = open_book(dashboard_xlsx(data))
    (pie,) = book["Herd  Status"]._charts
    (doughnut,) = book["SCC by grade"]._charts
    assert isinstance(pie, PieChart)
    assert isinstance(doughnut, DoughnutChart)
    assert len(pie.series) == 1
    assert pie.series[0].dLbls.showPercent
    assert book["SCC by grade"]["B4"].number_format == '#,##0" cells/mL"'
    assert rows(book["Herd  Status"])[3:5] == [["Farm A", 700.0], ["Farm B", 300.0]]


def test_area_chart_days_format_and_stacking(data):
    sheet = open_book(dashboard_xlsx(data))["Days Sales Outstanding"]
    assert sheet["C6"].value == 29.25
    assert sheet["C6"].number_format == '#,##0.0" days"'
    charts = sheet._charts
    assert len(charts) == 1
    assert isinstance(charts[0], AreaChart)
    assert charts[0].grouping == "stacked"


def test_table_widget_has_data_but_no_chart(data):
    sheet = open_book(dashboard_xlsx(data))["Top Products"]
    assert rows(sheet)[2:5] == [
        ["Product", "Revenue"],
        ["Whole Milk 1L", 900.0],
        ["Yoghurt 500g", 450.0],
    ]
    assert sheet._charts == []
    assert sheet["A2"].value == "The Farm filter does not apply to Revenue."


def test_gauge_lists_value_target_bounds_and_achievement(data):
    sheet = open_book(dashboard_xlsx(data))["Feed Conversion"]
    values = {row[0]: row[1] for row in rows(sheet)[3:8]}
    assert values == {
        "Value": 0.45,
        "Target": 0.5,
        "Minimum": 0,
        "Maximum": 1.0,
        "Achievement": pytest.approx(0.9),
    }
    assert sheet["B4"].number_format == '#,##0.00" kg/L"'
    assert sheet["B8"].number_format == "0.0%"


def test_heatmap_is_a_matrix_with_a_colour_scale(data):
    sheet = open_book(dashboard_xlsx(data))["Production by Farm and Weekday"]
    table = rows(sheet)
    assert table[2] == [None, "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert table[3] == ["Farm A", 100, 110, 120, 130, 140, 150, 160]
    assert table[4] == ["Farm B", 50, 55, 60, None, 70, 75, 80]
    assert sheet["B4"].number_format == '#,##0" L"'
    (scale,) = sheet.conditional_formatting
    assert str(scale.sqref) == "B4:H5"
    assert scale.rules[0].type == "colorScale"


def test_empty_widget_says_so_instead_of_an_empty_chart(data):
    sheet = open_book(dashboard_xlsx(data))["Revenue Trend (2)"]
    assert sheet["A3"].value == "No data for these filters."
    assert sheet._charts == []


def test_currency_before_the_amount(data):
    data["currency"] = DOLLAR
    book = open_book(dashboard_xlsx(data))
    assert find_row(book["Summary"], "Revenue")[2].number_format == '"$"#,##0.00'
    assert book["Top Products"]["B4"].number_format == '"$"#,##0.00'


def test_dashboard_without_widgets_still_opens():
    empty = {
        "dashboard": {"id": 2, "name": "Empty"},
        "filters": {"preset": "custom", "date_from": "2025-01-01", "date_to": "2025-01-02"},
        "grain": "day",
        "currency": EURO,
        "widgets": [],
        "alerts": [],
    }
    book = open_book(dashboard_xlsx(empty))
    assert book.sheetnames == ["Summary"]
    assert find_row(book["Summary"], "Period")[1].value == "2025-01-01 to 2025-01-02"
    assert find_row(book["Summary"], "This dashboard has no KPI cards.")


def test_a_farm_map_lists_each_farm_with_a_column_chart(data):
    bar = next(w for w in data["widgets"] if w["title"] == "Revenue by Region")
    bar["type"] = "farm_map"
    bar["kpis"] = bar["kpis"][:1]
    bar["data"] = {
        "breakdown": "farm_id",
        "labels": ["River Bend Farm", "Hill Top Farm"],
        "keys": ["9", "8"],
        "datasets": [{"code": "REVENUE", "label": "Revenue", "values": [30100.0, 12000.0]}],
        "width": 320,
        "height": 220,
        "farms": [{"key": "9", "label": "River Bend Farm", "value": 30100.0, "x": 160, "y": 110}],
        "unplaced": [{"key": "8", "label": "Hill Top Farm", "value": 12000.0}],
    }
    sheet = open_book(dashboard_xlsx(data))["Revenue by Region"]
    assert rows(sheet)[2:5] == [
        ["Farm", "Revenue"],
        ["River Bend Farm", 30100.0],
        ["Hill Top Farm", 12000.0],
    ]
    (chart,) = sheet._charts
    assert isinstance(chart, BarChart)
    assert chart.barDir == "col"


def test_a_widget_type_of_another_addon_is_a_time_series_with_a_line_chart(data):
    """A forecast widget (smart_dairy_forecast): actuals, forecast and bounds per period."""
    trend = next(w for w in data["widgets"] if w["title"] == "Revenue Trend")
    trend["type"] = "forecast"
    trend["data"] = {
        "labels": ["2026-12-01", "2026-12-02"],
        "periods": ["2026-12-01", "2026-12-02"],
        "datasets": [
            {"code": "actual", "label": "Actual", "values": [940.0, None]},
            {"code": "forecast", "label": "Forecast", "values": [None, 930.0]},
            {"code": "lo_80", "label": "Low 80 %", "values": [None, 880.0]},
        ],
    }
    sheet = open_book(dashboard_xlsx(data))["Revenue Trend"]
    assert rows(sheet)[2:5] == [
        ["Period", "Start", "Actual", "Forecast", "Low 80 %"],
        ["2026-12-01", rows(sheet)[3][1], 940.0, None, None],
        ["2026-12-02", rows(sheet)[4][1], None, 930.0, 880.0],
    ]
    (chart,) = sheet._charts
    assert isinstance(chart, LineChart)
    assert len(chart.series) == 3
