import math

import pytest
from smart_dairy.kpi import farm_map

# The demo farms: Manchester (north), Southampton (south-east), Bristol (west).
FARMS = {
    "1": (53.4808, -2.2426),
    "2": (50.9097, -1.4044),
    "3": (51.4545, -2.5879),
}


def test_project_fits_the_bounding_box_within_the_padding_north_up():
    points = farm_map.project(FARMS, width=320, height=220, padding=34)
    xs = [x for x, _y in points.values()]
    ys = [y for _x, y in points.values()]
    assert min(xs) >= 34 and max(xs) <= 320 - 34
    assert min(ys) >= 34 and max(ys) <= 220 - 34
    # North is up, west is left.
    assert points["1"][1] < points["3"][1] < points["2"][1]
    assert points["3"][0] < points["1"][0] < points["2"][0]
    # The farms spread north-south more than east-west here: the height is filled.
    assert min(ys) == pytest.approx(34, abs=0.1)
    assert max(ys) == pytest.approx(220 - 34, abs=0.1)


def test_project_keeps_the_ratio_of_distances_east_west_and_north_south():
    points = farm_map.project(FARMS)
    # One scale for both axes, longitudes shrunk by the cosine of the middle latitude.
    shrink = math.cos(math.radians((53.4808 + 50.9097) / 2))
    dx = points["2"][0] - points["3"][0]
    dy = points["2"][1] - points["1"][1]
    expected = ((-1.4044 + 2.5879) * shrink) / (53.4808 - 50.9097)
    assert dx / dy == pytest.approx(expected, rel=0.01)


def test_project_centres_the_farms():
    points = farm_map.project(FARMS, width=300, height=200, padding=20)
    xs = [x for x, _y in points.values()]
    ys = [y for _x, y in points.values()]
    assert (min(xs) + max(xs)) / 2 == pytest.approx(150, abs=0.1)
    assert (min(ys) + max(ys)) / 2 == pytest.approx(100, abs=0.1)


def test_project_one_farm_or_one_spot_sits_in_the_middle():
    assert farm_map.project({"a": (51.0, -2.0)}, width=320, height=220) == {"a": (160.0, 110.0)}
    same = farm_map.project({"a": (51.0, -2.0), "b": (51.0, -2.0)}, width=320, height=220)
    assert same == {"a": (160.0, 110.0), "b": (160.0, 110.0)}
    assert farm_map.project({}) == {}


def test_project_farms_along_one_line_use_the_width():
    points = farm_map.project({"w": (51.0, -3.0), "e": (51.0, -1.0)}, width=320, height=220)
    assert points["w"] == (34.0, 110.0)
    assert points["e"] == (286.0, 110.0)


def test_placed_needs_a_latitude_or_a_longitude():
    assert farm_map.placed(51.2, -2.1)
    assert farm_map.placed(0.0, 12.5)
    assert not farm_map.placed(0.0, 0.0)
    assert not farm_map.placed(False, False)


def test_radii_area_follows_the_value_and_missing_values_keep_a_dot():
    radii = farm_map.radii({"a": 400.0, "b": 100.0, "c": None, "d": 0.0, "e": -5}, 4, 20)
    assert radii["a"] == 20
    assert radii["b"] == 4 + 16 * 0.5  # a quarter of the value: half the radius beyond the dot
    assert radii["c"] == radii["d"] == radii["e"] == 4
    assert farm_map.radii({"a": None}, 4, 20) == {"a": 4}


@pytest.mark.parametrize(
    ("value", "target", "polarity", "status"),
    [
        (110, 100, "higher", "met"),
        (100, 100, "higher", "met"),
        (90, 100, "higher", "missed"),
        (90, 100, "lower", "met"),
        (110, 100, "lower", "missed"),
        (None, 100, "higher", None),
        (90, None, "higher", None),
    ],
)
def test_target_status(value, target, polarity, status):
    assert farm_map.target_status(value, target, polarity) == status
