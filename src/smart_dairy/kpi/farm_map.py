"""The farm map of dashboards, drawn without a tile server: farms placed from their
stored latitude and longitude by an equirectangular projection fitted to their
bounding box, one circle per farm sized by its value, coloured by its target.

Pure functions over plain numbers; the addon reads the farms and values and the
browser draws the SVG from what these return.
"""

import math
from collections.abc import Mapping

# The drawing's coordinate system (SVG viewBox): wider than high, about a phone's width
# so that labels keep their size there.
WIDTH = 320
HEIGHT = 220
# Room kept around the farms for the largest circle and the labels under the circles.
PADDING = 34
RADIUS_MIN = 5.0
RADIUS_MAX = 18.0


def placed(latitude, longitude):
    """Whether a farm has a position: a farm whose latitude and longitude are both
    zero (or unset) has none (Odoo reads an empty float as 0.0, and no dairy farm
    sits at 0°N 0°E in the Gulf of Guinea)."""
    return bool(latitude or longitude)


def project(coordinates: Mapping, width=WIDTH, height=HEIGHT, padding=PADDING):
    """{key: (latitude, longitude)} as {key: (x, y)} in a ``width`` x ``height``
    drawing: equirectangular (longitudes shrunk by the cosine of the middle
    latitude, so that distances east-west and north-south keep their ratio), one
    scale for both axes fitted to the farms' bounding box within ``padding``,
    centred, north up. One farm, or farms at one spot, sit in the middle.
    Longitudes are taken as given (a set of farms across the 180th meridian is
    not joined up)."""
    if not coordinates:
        return {}
    latitudes = [lat for lat, _lon in coordinates.values()]
    middle = math.radians((min(latitudes) + max(latitudes)) / 2)
    shrink = math.cos(middle)
    plane = {key: (lon * shrink, lat) for key, (lat, lon) in coordinates.items()}
    xs = [x for x, _y in plane.values()]
    ys = [y for _x, y in plane.values()]
    span_x, span_y = max(xs) - min(xs), max(ys) - min(ys)
    room_x, room_y = max(width - 2 * padding, 0), max(height - 2 * padding, 0)
    scales = [room / span for room, span in ((room_x, span_x), (room_y, span_y)) if span > 0]
    scale = min(scales, default=0.0)
    centre_x, centre_y = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return {
        key: (
            round(width / 2 + (x - centre_x) * scale, 1),
            round(height / 2 - (y - centre_y) * scale, 1),
        )
        for key, (x, y) in plane.items()
    }


def radii(values: Mapping, smallest=RADIUS_MIN, largest=RADIUS_MAX):
    """{key: value} as {key: circle radius}: the circle's area in proportion to the
    value, the largest value getting ``largest``; no value, zero or a negative value
    gets ``smallest`` (a dot that stays visible and clickable)."""
    top = max((value for value in values.values() if value is not None and value > 0), default=0)
    return {
        key: round(smallest + (largest - smallest) * math.sqrt(value / top), 1)
        if top and value is not None and value > 0
        else smallest
        for key, value in values.items()
    }


def target_status(value, target, polarity="higher"):
    """The status of a value against its target given the KPI's polarity, "met" or "missed"
    ("lower" when less is better); None without a value or a target."""
    if value is None or target is None:
        return None
    if polarity == "lower":
        return "met" if value <= target else "missed"
    return "met" if value >= target else "missed"
