import pytest
from smart_dairy.kpi import (
    Aggregate,
    Catalogue,
    Fact,
    Kpi,
    KpiDefinitionError,
    evaluate,
    parse,
    validate,
)


def test_dependencies_and_evaluation():
    assert parse("DIO + DSO - DPO").dependencies == {"DIO", "DSO", "DPO"}
    assert evaluate(parse("DIO + DSO - DPO"), {"DIO": 30, "DSO": 45, "DPO": 20}) == 55
    assert evaluate("(AA + BB) * 2 / CC", {"AA": 1, "BB": 2, "CC": 4}) == 1.5
    assert evaluate("-AA + +BB", {"AA": 1, "BB": 5}) == 4
    assert evaluate("abs(AA - BB) + max(AA, BB, 3) - min(AA, 2)", {"AA": 1, "BB": 5}) == 8
    assert evaluate("AA * 1.5e2", {"AA": 2}) == 300


def test_none_propagates_and_division_by_zero_gives_none():
    assert evaluate("AA + BB", {"AA": 1, "BB": None}) is None
    assert evaluate("AA + BB", {"AA": 1}) is None
    assert evaluate("AA / BB", {"AA": 1, "BB": 0}) is None
    assert evaluate("max(AA, BB)", {"AA": 1, "BB": None}) is None
    assert evaluate("AA / (BB - BB)", {"AA": 1, "BB": 3}) is None
    assert evaluate("AA * 0", {"AA": 7}) == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("__import__('os').system('id')", "not allowed"),
        ("REV.__class__", "not allowed"),
        ("REV[0]", "not allowed"),
        ("(lambda: 1)()", "not allowed"),
        ("open('/etc/passwd')", "not allowed"),
        ("REV ** 99999999", "not allowed"),
        ("REV if COST else 1", "not allowed"),
        ("REV > COST", "not allowed"),
        ("REV % 3", "not allowed"),
        ("[REV]", "not allowed"),
        ("abs(REV, COST)", "takes one value"),
        ("max(REV)", "takes two or more"),
        ("max(*REV)", "takes two or more"),
        ("abs(x=REV)", "not allowed"),
        ("rev + 1", "not a KPI code"),
        ("'text'", "not a number"),
        ("True + REV", "not a number"),
        ("REV +", "not valid"),
        ("", "empty"),
        ("REV; import os", "not valid"),
        ("(" * 500 + "REV" + ")" * 500, "not valid"),
        ("-" * 1900 + "REV", "nested too deeply|not valid"),
        ("REV + " * 400 + "REV", "longer than"),
    ],
)
def test_unsafe_or_malformed_formulas_are_refused(text, message):
    with pytest.raises(KpiDefinitionError, match=message):
        parse(text, "X")


FACTS = {
    "sales": Fact(
        name="sales",
        relation="fact_sales",
        date_column="date",
        dimensions={"region": "region"},
        measures={"amount": "amount", "qty": "qty"},
        extra_columns=("customer_id",),
    ),
    "milk": Fact(
        name="milk",
        relation="fact_milk",
        date_column="date",
        dimensions={"farm": "farm_id"},
        measures={"volume": "volume"},
    ),
}


@pytest.mark.parametrize(
    ("kpi", "message"),
    [
        (Kpi("rev", aggregate=Aggregate("sales", "amount")), "KPI code 'rev' is not valid"),
        (Kpi("R; DROP", aggregate=Aggregate("sales", "amount")), "is not valid"),
        (Kpi("REV", aggregate=Aggregate("sale", "amount")), "unknown fact 'sale'"),
        (Kpi("REV", aggregate=Aggregate("sales", "amont")), "unknown measure 'amont'"),
        (Kpi("REV", aggregate=Aggregate("sales", "amount", "median")), "unknown aggregation"),
        (Kpi("REV", aggregate=Aggregate("sales", None, "sum")), "sum needs a measure"),
        (
            Kpi("REV", aggregate=Aggregate("sales", "amount"), dimensions=("farm",)),
            "dimension 'farm' is not available on fact sales",
        ),
        (
            Kpi("REV", aggregate=Aggregate("sales", "amount", domain=[("regoin", "=", "N")])),
            "Unknown column 'regoin' in the filter of KPI REV",
        ),
        (
            Kpi(
                "YIELD",
                "ratio",
                numerator=Aggregate("milk", "volume", "avg"),
                denominator=Aggregate("sales", "qty"),
            ),
            "avg cannot be used for the numerator",
        ),
        (
            Kpi(
                "YIELD",
                "ratio",
                numerator=Aggregate("milk", "volume"),
                denominator=Aggregate("sales", "qty"),
                dimensions=("region",),
            ),
            "dimension 'region' is not available on fact milk",
        ),
        (Kpi("YIELD", "ratio", numerator=Aggregate("milk", "volume")), "needs a denominator"),
        (
            Kpi("REV", aggregate=Aggregate("sales", "amount"), formula="A + B"),
            "cannot also have: formula",
        ),
        (Kpi("SELF", "formula", formula="SELF + 1"), "Formula cycle: SELF -> SELF"),
        (Kpi("REV", aggregate=Aggregate("sales", "amount"), scale=0), "scale"),
    ],
)
def test_validate_refuses_bad_definitions(kpi, message):
    with pytest.raises(KpiDefinitionError, match=message):
        validate(kpi, FACTS)


def test_validate_accepts_good_definitions_and_checks_formula_dimensions():
    rev = Kpi("REV", aggregate=Aggregate("sales", "amount"), dimensions=("region",))
    buyers = Kpi("BUYERS", aggregate=Aggregate("sales", "customer_id", "count_distinct"))
    lines = Kpi("LINES", aggregate=Aggregate("sales", None, "count"))
    avg = Kpi("AVG_LINE", "formula", formula="REV / LINES", dimensions=("region",))
    assert validate(rev, FACTS) is rev
    validate(buyers, FACTS)
    with pytest.raises(KpiDefinitionError, match="LINES, which its formula uses, is not"):
        Catalogue([rev, buyers, lines, avg], FACTS)
    with pytest.raises(KpiDefinitionError, match="used twice"):
        Catalogue([rev, rev], FACTS)
    with pytest.raises(KpiDefinitionError, match="unknown kind"):
        Kpi("REV", "magic")


def test_days_is_a_builtin_not_a_kpi_code():
    assert parse("AR / REV * DAYS").dependencies == {"AR", "REV"}
    assert evaluate("AR / REV * DAYS", {"AR": 50, "REV": 100, "DAYS": 30}) == 15
    assert evaluate("AR / REV * DAYS", {"AR": 50, "REV": 100}) is None
    ar = Kpi("AR", aggregate=Aggregate("sales", "amount"))
    catalogue = Catalogue([Kpi("DSO", "formula", formula="AR * DAYS"), ar], FACTS)
    assert [k.code for k in catalogue] == ["AR", "DSO"]
