"""Shapes shared by the generators: lactation curve, seasonal bumps, random helpers."""

import math
import random


def wood_yield(dim, a, b, c):
    """Daily milk yield on day ``dim`` in milk by Wood's curve a * t^b * e^(-c t)."""
    return a * dim**b * math.exp(-c * dim)


def wood_params(peak_litres, peak_day, b):
    """Wood's (a, b, c) giving a curve that peaks at ``peak_day`` with ``peak_litres``."""
    c = b / peak_day
    a = peak_litres / (peak_day**b * math.exp(-b))
    return a, b, c


def day_distance(doy, peak_doy):
    """Distance in days between two days of the year, going around the year end."""
    diff = abs(doy - peak_doy) % 365
    return min(diff, 365 - diff)


def bump(doy, peak_doy, width_days):
    """Gaussian seasonal bump in [0, 1] centred on ``peak_doy``."""
    return math.exp(-0.5 * (day_distance(doy, peak_doy) / width_days) ** 2)


def cyclic(doy, peak_doy, amplitude):
    """Yearly cosine factor 1 +/- amplitude, highest on ``peak_doy``."""
    return 1.0 + amplitude * math.cos(2 * math.pi * (doy - peak_doy) / 365.0)


def weighted_choice(rng: random.Random, options, weights):
    """One option drawn with the given weights."""
    return rng.choices(options, weights=weights, k=1)[0]


def split_counts(total, shares):
    """Split ``total`` into integer counts following ``shares`` (largest remainder)."""
    keys = list(shares)
    weight = sum(shares.values())
    raw = {key: total * shares[key] / weight for key in keys}
    counts = {key: int(raw[key]) for key in keys}
    rest = total - sum(counts.values())
    for key in sorted(keys, key=lambda k: raw[k] - counts[k], reverse=True)[:rest]:
        counts[key] += 1
    return counts
