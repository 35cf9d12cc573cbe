import datetime as dt

import pytest
from smart_dairy.kpi import Grain, Limits, RequestError, check_filters, check_query, periods
from smart_dairy.kpi.requests import check_ids, period_count

CODES = {"MILK_VOLUME", "REVENUE", "MARGIN"}
DIMENSIONS = {"region_id", "farm_id"}
LIMITS = Limits(codes=5, ids=10, periods=400)
PRESETS = {"last_30_days", "custom"}
ID_KEYS = ("region_ids", "farm_ids")


def query(**payload):
    base = {"codes": ["REVENUE"], "date_from": "2024-01-01", "date_to": "2024-01-31"}
    return check_query({**base, **payload}, CODES, DIMENSIONS, LIMITS)


def refused(call, field, words, limit=None):
    with pytest.raises(RequestError) as caught:
        call()
    assert caught.value.field == field
    assert words in caught.value.problem
    assert caught.value.limit == limit
    return caught.value


def test_a_good_query_comes_back_cleaned():
    checked = query(
        codes=["REVENUE", "MARGIN", "REVENUE"],
        grain="month",
        breakdown="region_id",
        dimension_values=[3, "3", "north", 1],
    )
    assert checked.codes == ("REVENUE", "MARGIN")
    assert checked.grain is Grain.MONTH
    assert (checked.date_from, checked.date_to) == (dt.date(2024, 1, 1), dt.date(2024, 1, 31))
    assert checked.dimension_values == ("1", "3", "north")


@pytest.mark.parametrize(
    ("payload", "field", "words"),
    [
        ({"codes": [1]}, "codes[0]", "must be a string"),
        ({"codes": "REVENUE"}, "codes", "must be a list"),
        ({"codes": []}, "codes", "at least one"),
        ({"codes": ["NOPE"]}, "codes", "unknown KPI codes: 'NOPE'"),
        ({"grain": "hour"}, "grain", "is not one of"),
        ({"grain": ["day"]}, "grain", "must be a string, not a list"),
        ({"date_from": "0001-01-01"}, "date_from", "between 1900-01-01"),
        ({"date_from": "2024-1-1"}, "date_from", "YYYY-MM-DD"),
        ({"date_from": 20240101}, "date_from", "not a number"),
        ({"date_to": None}, "date_to", "not null"),
        ({"date_from": "2024-02-01"}, "date_from", "comes after date_to"),
        ({"breakdown": 1}, "breakdown", "must be a string"),
        ({"breakdown": []}, "breakdown", "must be a string, not a list"),
        ({"breakdown": "partner_id"}, "breakdown", "is not one of"),
        ({"dimension_values": [1]}, "dimension_values", "needs a breakdown"),
        ({"breakdown": "farm_id", "dimension_values": [None]}, "dimension_values[0]", "null"),
        ({"breakdown": "farm_id", "dimension_values": {"a": 1}}, "dimension_values", "a list"),
    ],
)
def test_malformed_queries_name_the_field(payload, field, words):
    refused(lambda: query(**payload), field, words)


def test_repeated_codes_count_once_and_too_many_are_refused():
    assert query(codes=["REVENUE"] * 200_000).codes == ("REVENUE",)
    many = Limits(codes=2, ids=10, periods=400)
    with pytest.raises(RequestError) as caught:
        check_query(
            {"codes": sorted(CODES), "date_from": "2024-01-01", "date_to": "2024-01-02"},
            CODES,
            DIMENSIONS,
            many,
        )
    assert caught.value.limit == "codes"
    assert "3 items, more than the 2" in caught.value.problem


def test_too_many_periods_say_how_to_page():
    error = refused(
        lambda: query(date_from="1925-01-01", date_to="2024-12-31"),
        "date_to",
        "36525 day periods, more than the 400",
        limit="periods",
    )
    assert "ranges of at most 400 periods" in str(error)
    assert query(date_from="1925-01-01", date_to="2024-12-31", grain="year").grain is Grain.YEAR
    assert query(date_from="2024-01-01", date_to="2025-02-03").date_to == dt.date(2025, 2, 3)


@pytest.mark.parametrize("grain", list(Grain))
def test_period_count_matches_the_listed_periods(grain):
    for start, end in [
        (dt.date(2023, 12, 31), dt.date(2024, 1, 1)),
        (dt.date(2020, 2, 29), dt.date(2024, 11, 30)),
        (dt.date(2024, 3, 4), dt.date(2024, 3, 4)),
    ]:
        assert period_count(start, end, grain) == len(periods(start, end, grain))


def test_filters_are_cleaned():
    cleaned = check_filters(
        {"preset": "custom", "date_from": "2024-01-01", "date_to": "2024-03-31",
         "region_ids": [3, 1, 3]},
        PRESETS, ID_KEYS, LIMITS,
    )  # fmt: skip
    assert cleaned == {
        "preset": "custom",
        "date_from": dt.date(2024, 1, 1),
        "date_to": dt.date(2024, 3, 31),
        "region_ids": [1, 3],
        "farm_ids": [],
    }
    assert check_filters(None, PRESETS, ID_KEYS, LIMITS)["preset"] is None
    # Non-custom presets ignore stored dates (saved filters keep the dates as applied).
    kept = check_filters({"preset": "last_30_days", "date_from": 5}, PRESETS, ID_KEYS, LIMITS)
    assert kept["date_from"] is None


@pytest.mark.parametrize(
    ("filters", "field", "words"),
    [
        (["preset"], "filters", "must be an object, not a list"),
        ({"preset": ["x"]}, "filters.preset", "must be a string"),
        ({"preset": "forever"}, "filters.preset", "is not one of"),
        ({"preset": "custom", "date_from": 5, "date_to": "2024-01-01"},
         "filters.date_from", "not a number"),
        ({"preset": "custom"}, "filters.date_from", "needs date_from and date_to"),
        ({"region_ids": "1,2"}, "filters.region_ids", "must be a list"),
        ({"region_ids": [True]}, "filters.region_ids[0]", "not a boolean"),
        ({"farm_ids": [2**40]}, "filters.farm_ids[0]", "is not a record id"),
        ({"farm_ids": [1.5]}, "filters.farm_ids[0]", "not a number"),
        ({"farm_ids": ["1a"]}, "filters.farm_ids[0]", "not a string"),
        ({"farm_ids": ["-1"]}, "filters.farm_ids[0]", "not a string"),
        ({"colour": "red"}, "filters", "unknown keys: 'colour'"),
    ],
)  # fmt: skip
def test_malformed_filters_name_the_field(filters, field, words):
    refused(lambda: check_filters(filters, PRESETS, ID_KEYS, LIMITS), field, words)


def test_id_lists_are_bounded_after_deduplication():
    assert check_ids([7] * 100_000, "ids", LIMITS) == [7]
    assert check_ids(["7", 7, "3"], "ids", LIMITS) == [3, 7]
    refused(lambda: check_ids(list(range(1, 12)), "filters.region_ids", LIMITS),
            "filters.region_ids", "11 items, more than the 10", limit="ids")  # fmt: skip


def test_limits_must_be_positive_integers():
    with pytest.raises(ValueError, match="periods"):
        Limits(periods=0)
