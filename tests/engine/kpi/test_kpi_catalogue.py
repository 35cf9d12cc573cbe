"""The catalogue: definitions checked and ordered once, the formula graph for every
entry point, plain messages for what is wrong."""

import datetime as dt

import pytest
from smart_dairy.kpi import (
    Aggregate,
    Catalogue,
    Companies,
    Fact,
    Kpi,
    KpiDefinitionError,
    ValueTable,
    compute,
    create_value_table,
    fetch,
    refresh_range,
)
from smart_dairy.kpi import formula as formulas
from smart_dairy.kpi.requests import Query

FACT = Fact(
    name="f",
    relation="fact_f",
    date_column="date",
    dimensions={"region": "region"},
    measures={"m": "m", "n": "n"},
)
FACTS = {"f": FACT}


def aggregate(code, measure="m", **extra):
    return Kpi(code, aggregate=Aggregate("f", measure), **extra)


def formula(code, text, **extra):
    return Kpi(code, "formula", formula=text, **extra)


def test_dependencies_come_first_whatever_the_order_given():
    catalogue = Catalogue(
        [formula("AA", "BB + CC"), formula("BB", "CC * 2"), aggregate("CC"), aggregate("DD")],
        FACTS,
    )
    order = [kpi.code for kpi in catalogue]
    assert order.index("CC") < order.index("BB") < order.index("AA")
    assert sorted(order) == ["AA", "BB", "CC", "DD"]
    assert [k.code for k in catalogue.closure(["AA"])] == ["CC", "BB", "AA"]
    assert [k.code for k in catalogue.closure(["DD", "BB"])] == [
        code for code in order if code in {"BB", "CC", "DD"}
    ]
    assert catalogue.dependents(["CC"]) == {"AA", "BB"}
    assert catalogue.dependents(["AA", "DD"]) == set()
    assert catalogue.dependencies("AA") == {"BB", "CC"}
    assert catalogue["CC"].aggregate.measure == "m"


def test_cycles_and_unknown_codes_are_named_in_plain_words():
    cycle = [formula("AA", "BB + 1"), formula("BB", "CC + 1"), formula("CC", "AA + 1")]
    with pytest.raises(KpiDefinitionError, match=r"^Formula cycle: AA -> BB -> CC -> AA$"):
        Catalogue(cycle, FACTS)
    with pytest.raises(KpiDefinitionError, match=r"^Formula cycle: AA -> AA$"):
        Catalogue([formula("AA", "AA + 1")], FACTS)
    with pytest.raises(KpiDefinitionError, match=r"^Formula of AA uses unknown KPI 'DXO'$"):
        Catalogue([formula("AA", "DXO + 1")], FACTS)
    with pytest.raises(KpiDefinitionError, match=r"^KPI code CC is used twice$"):
        Catalogue([aggregate("CC"), aggregate("CC", "n")], FACTS)
    with pytest.raises(KpiDefinitionError, match="unknown measure 'x' on fact f; available: m, n"):
        Catalogue([aggregate("CC", "x")], FACTS)
    catalogue = Catalogue([aggregate("CC")], FACTS)
    with pytest.raises(KpiDefinitionError, match=r"^Unknown KPI 'ZZ'$"):
        catalogue.closure(["ZZ"])


def test_formulas_over_kpis_not_loaded_yet_wait_with_them():
    # SS is computed from a fact of an addon not loaded yet: the formulas on it, directly
    # or through another formula, wait; the rest is checked as usual.
    kpis = [
        formula("AA", "BB + CC"),
        formula("BB", "SS * 2"),
        aggregate("CC"),
        formula("DD", "CC / 2"),
    ]
    catalogue = Catalogue(kpis, FACTS, excluded={"SS": "SS waits for its addon"})
    assert catalogue.problems == {"AA": "SS waits for its addon", "BB": "SS waits for its addon"}
    assert [k.code for k in catalogue.closure(["DD"], computable=True)] == ["CC", "DD"]
    with pytest.raises(KpiDefinitionError, match=r"^SS waits for its addon$"):
        catalogue.closure(["AA"], computable=True)
    with pytest.raises(KpiDefinitionError, match=r"^SS waits for its addon$"):
        catalogue.closure(["SS"])
    with pytest.raises(KpiDefinitionError, match="unknown KPI 'SS'"):
        Catalogue(kpis, FACTS)
    with pytest.raises(KpiDefinitionError, match="unknown measure 'x'"):
        Catalogue([*kpis, aggregate("EE", "x")], FACTS, excluded={"SS": "waiting"})


def test_a_lenient_catalogue_sets_an_invalid_kpi_aside_with_what_uses_it():
    bad = Kpi("BAD", aggregate=Aggregate("f", "m", domain=[("nope", "=", 1)]), id=2)
    kpis = [aggregate("GOOD", id=1), bad, formula("USES_BAD", "BAD + GOOD"), formula("OK", "GOOD")]
    with pytest.raises(KpiDefinitionError, match="nope"):
        Catalogue(kpis, FACTS)
    catalogue = Catalogue(kpis, FACTS, strict=False)
    assert set(catalogue.problems) == {"BAD", "USES_BAD"}
    assert catalogue.problems["USES_BAD"] == catalogue.problems["BAD"]
    assert "nope" in catalogue.problems["BAD"]
    assert [k.code for k in catalogue.closure(["OK"], computable=True)] == ["GOOD", "OK"]
    with pytest.raises(KpiDefinitionError, match="nope"):
        catalogue.closure(["USES_BAD"], computable=True)
    # Stored values of a set-aside KPI can still be read, not a formula that cannot be parsed.
    assert {k.code for k in catalogue.closure(["USES_BAD"])} == {"BAD", "GOOD", "USES_BAD"}
    broken = Catalogue([*kpis, formula("BROKEN", "GOOD +")], FACTS, strict=False)
    assert [k.code for k in broken.closure(["OK"])] == ["GOOD", "OK"]
    with pytest.raises(KpiDefinitionError, match="formula of KPI BROKEN is not valid"):
        broken.closure(["BROKEN"])


def test_formulas_are_parsed_once_when_the_catalogue_is_built(monkeypatch):
    calls = []
    real = formulas.parse

    def counting(text, code=None):
        calls.append(code)
        return real(text, code)

    monkeypatch.setattr(formulas, "parse", counting)
    catalogue = Catalogue(
        [aggregate("CC"), formula("BB", "CC * 2"), formula("AA", "BB + CC")], FACTS
    )
    assert sorted(calls) == ["AA", "BB"]
    for _ in range(3):
        catalogue.closure(["AA"], computable=True)
        catalogue.dependents(["CC"])
        catalogue.formula("AA")
    assert sorted(calls) == ["AA", "BB"]


def test_other_definitions_keep_the_graph_but_not_another_formula():
    catalogue = Catalogue([aggregate("CC", dimensions=("region",)), formula("BB", "CC")], FACTS)
    narrowed = catalogue.with_definitions([aggregate("CC", "n")])
    assert narrowed["CC"].aggregate.measure == "n"
    assert catalogue["CC"].aggregate.measure == "m"
    assert [k.code for k in narrowed.closure(["BB"])] == ["CC", "BB"]
    with pytest.raises(KpiDefinitionError, match="formula cannot be replaced"):
        catalogue.with_definitions([formula("BB", "CC * 2")])


def test_entry_points_parse_no_formula_again(sales, sales_fact, monkeypatch):
    """Materialising and reading take the catalogue's parsed formulas and closures."""
    cur, _rows = sales
    table = ValueTable(name="kpi_value_catalogue")
    create_value_table(cur, table)
    rev = Kpi("REV", aggregate=Aggregate("sales", "amount"), id=1)
    cost = Kpi("COST", aggregate=Aggregate("sales", "cost"), id=2)
    margin = Kpi("MARGIN", "formula", formula="(REV - COST) / REV * 100", id=3)
    catalogue = Catalogue([margin, rev, cost], {"sales": sales_fact})
    day = dt.date(2023, 3, 1)

    def no_parse(*_args):
        raise AssertionError("a formula was parsed again")

    monkeypatch.setattr(formulas, "parse", no_parse)
    refresh_range(cur, table, catalogue, ["day"], day, day, Companies([1, 2]))
    live = compute(cur, catalogue, ["MARGIN"], "day", day, day, Companies([1, 2]))
    card = fetch(cur, table, catalogue, Query(["MARGIN"], "day", day, day), [1, 2])
    totals = {code: sum(r.value for r in live if r.kpi == code) for code in ("REV", "COST")}
    expected = (totals["REV"] - totals["COST"]) / totals["REV"] * 100
    assert card["MARGIN"].current.value == pytest.approx(expected)
