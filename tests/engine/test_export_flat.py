"""CSV and JSON exports carry the numbers of the screen, row by row."""

import csv
import io
import json

import openpyxl
import pytest
from smart_dairy.export import dashboard_csv, dashboard_json, dashboard_xlsx

REVENUE = {"code": "REVENUE", "name": "Revenue (ordered)"}
SCC = {"code": "AVG_SCC", "name": "Somatic Cells"}
DATA = {
    "dashboard": {"id": 1, "name": "Executive"},
    "filters": {"preset": "custom", "date_from": "2028-02-27", "date_to": "2028-02-29"},
    "companies": ["Green Valley Dairy"],
    "currency": {"symbol": "$", "position": "before", "digits": 2},
    "widgets": [
        {
            "id": 11,
            "type": "kpi_card",
            "title": "Revenue",
            "kpis": [REVENUE],
            "data": {
                "current": {
                    "period_start": "2028-02-27",
                    "label": "27 to 29 Feb",
                    "value": 1234.5,
                    "previous": 1000.0,
                    "last_year": None,
                    "target": 1500.0,
                }
            },
        },
        {
            "id": 12,
            "type": "line",
            "title": "Revenue per Day",
            "kpis": [REVENUE],
            "data": {
                "labels": ["Feb 27", "Feb 28", "Feb 29"],
                "periods": ["2028-02-27", "2028-02-28", "2028-02-29"],
                "datasets": [
                    {"code": "REVENUE", "values": [400.0, None, 834.5], "targets": [500.0] * 3}
                ],
            },
        },
        {
            "id": 13,
            "type": "bar",
            "title": "Revenue by Region",
            "kpis": [REVENUE],
            "data": {
                "breakdown": "region_id",
                "labels": ["North", '=HYPERLINK("http://x")'],
                "keys": ["1", "2"],
                "datasets": [{"code": "REVENUE", "values": [700.0, 534.5]}],
            },
        },
        {
            "id": 14,
            "type": "heatmap",
            "title": "Cells by Farm and Weekday",
            "kpis": [SCC],
            "data": {
                "breakdown": "farm_id",
                "x_labels": ["Mon", "Tue"],
                "y_labels": ["Green Valley"],
                "y_keys": ["7"],
                "values": [[180000.0, 210000.0]],
            },
        },
        {
            "id": 15,
            "type": "gauge",
            "title": "Cells",
            "kpis": [SCC],
            "data": {"value": 195000.0, "target": 200000.0},
        },
        {
            "id": 16,
            "type": "line",
            "title": "Empty",
            "kpis": [REVENUE],
            "empty": True,
            "data": {"labels": [], "periods": [], "datasets": []},
        },
    ],
}


def _rows(text):
    return list(csv.DictReader(io.StringIO(text)))


def test_every_figure_of_the_screen_is_a_row():
    rows = _rows(dashboard_csv(DATA))
    by_widget = {}
    for row in rows:
        by_widget.setdefault(row["widget"], []).append(row)
    card = by_widget["Revenue"][0]
    assert (card["value"], card["previous"], card["last_year"], card["target"]) == (
        "1234.5",
        "1000.0",
        "",
        "1500.0",
    )
    assert [(r["period_start"], r["value"], r["target"]) for r in by_widget["Revenue per Day"]] == [
        ("2028-02-27", "400.0", "500.0"),
        ("2028-02-28", "", "500.0"),  # undefined stays empty, never 0
        ("2028-02-29", "834.5", "500.0"),
    ]
    regions = by_widget["Revenue by Region"]
    assert [(r["dimension"], r["dimension_value"], r["value"]) for r in regions] == [
        ("region_id", "1", "700.0"),
        ("region_id", "2", "534.5"),
    ]
    assert [r["value"] for r in by_widget["Cells by Farm and Weekday"]] == ["180000.0", "210000.0"]
    assert by_widget["Cells"][0]["target"] == "200000.0"
    assert "Empty" not in by_widget
    assert {r["kpi_name"] for r in regions} == {"Revenue (ordered)"}


def test_a_series_over_time_per_dimension_value_is_a_row_per_period_and_value():
    area = {
        "id": 17,
        "type": "area",
        "title": "Litres by Farm",
        "kpis": [{"code": "PRODUCTION", "name": "Milk Production"}],
        "data": {
            "breakdown": "farm_id",
            "over_time": True,
            "labels": ["Feb 28", "Feb 29"],
            "periods": ["2028-02-28", "2028-02-29"],
            "keys": ["7", "8"],
            "datasets": [
                {"code": "PRODUCTION", "label": "Green Valley", "dimension_value": "7",
                 "values": [500.0, 510.0]},
                {"code": "PRODUCTION", "label": "Hill Top", "dimension_value": "8",
                 "values": [300.0, None]},
            ],
        },
    }  # fmt: skip
    rows = _rows(dashboard_csv({**DATA, "widgets": [area]}))
    assert [(r["period_start"], r["dimension_value"], r["value"]) for r in rows] == [
        ("2028-02-28", "7", "500.0"),
        ("2028-02-29", "7", "510.0"),
        ("2028-02-28", "8", "300.0"),
        ("2028-02-29", "8", ""),
    ]
    sheet = openpyxl.load_workbook(io.BytesIO(dashboard_xlsx({**DATA, "widgets": [area]})))[
        "Litres by Farm"
    ]
    header = [cell.value for cell in sheet[3]]
    assert header[:4] == ["Period", "Start", "Green Valley", "Hill Top"]
    assert [sheet.cell(4, 3).value, sheet.cell(5, 4).value] == [500.0, None]


def test_a_label_that_would_be_a_formula_is_quoted():
    labels = [r["label"] for r in _rows(dashboard_csv(DATA)) if r["widget"] == "Revenue by Region"]
    assert labels == ["North", '\'=HYPERLINK("http://x")']
    # JSON is no spreadsheet: it keeps the text as it is
    document = json.loads(dashboard_json(DATA))
    regions = next(w for w in document["widgets"] if w["id"] == 13)
    assert regions["rows"][1]["label"] == '=HYPERLINK("http://x")'


def test_json_carries_the_context_and_raw_numbers():
    document = json.loads(dashboard_json(DATA))
    assert (document["dashboard"], document["date_from"], document["date_to"]) == (
        "Executive",
        "2028-02-27",
        "2028-02-29",
    )
    assert document["companies"] == ["Green Valley Dairy"]
    trend = next(w for w in document["widgets"] if w["id"] == 12)
    assert [row["value"] for row in trend["rows"]] == [400.0, None, 834.5]


def test_one_widget_alone():
    rows = _rows(dashboard_csv(DATA, widget_id=13))
    assert {row["widget"] for row in rows} == {"Revenue by Region"}
    assert [w["id"] for w in json.loads(dashboard_json(DATA, widget_id=12))["widgets"]] == [12]
    with pytest.raises(ValueError, match="no widget 99"):
        dashboard_csv(DATA, widget_id=99)
