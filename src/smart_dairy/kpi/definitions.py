"""KPI definitions (aggregate, ratio, formula) and their validation."""

import dataclasses
import enum
import math
from collections.abc import Mapping

from . import formula as formulas
from .domain import domain_to_sql, normalize
from .errors import KpiDefinitionError
from .periods import GRAINS, as_grain

FUNCTIONS = ("sum", "avg", "min", "max", "count", "count_distinct")
ADDITIVE = ("sum", "count")


class Kind(str, enum.Enum):
    AGGREGATE = "aggregate"
    RATIO = "ratio"
    FORMULA = "formula"

    def __str__(self):
        return self.value


@dataclasses.dataclass(frozen=True)
class Aggregate:
    """``function(measure)`` over rows of ``fact`` matching ``domain``.

    ``measure`` names a fact measure; for count and count_distinct it may name
    any column or dimension, and count may leave it None (count rows).
    """

    fact: str
    measure: str | None
    function: str = "sum"
    domain: tuple = ()

    def __post_init__(self):
        object.__setattr__(self, "domain", normalize(self.domain or ()))


@dataclasses.dataclass(frozen=True)
class Kpi:
    """A KPI. ``id`` is the database id of the KPI record (needed to store values).

    aggregate: value = aggregate (avg kept as sum and count so it rolls up).
    ratio: value = sum(numerator) / sum(denominator) * scale.
    formula: arithmetic over other KPI codes, times scale.
    """

    code: str
    kind: Kind = Kind.AGGREGATE
    aggregate: Aggregate | None = None
    numerator: Aggregate | None = None
    denominator: Aggregate | None = None
    formula: str | None = None
    grains: tuple = GRAINS
    dimensions: tuple[str, ...] = ()
    scale: float = 1.0
    id: int | None = None

    def __post_init__(self):
        try:
            object.__setattr__(self, "kind", Kind(self.kind))
        except ValueError:
            raise KpiDefinitionError(
                f"KPI {self.code}: unknown kind {self.kind!r}; use aggregate, ratio or formula"
            ) from None
        object.__setattr__(self, "grains", tuple(as_grain(g) for g in self.grains))
        object.__setattr__(self, "dimensions", tuple(self.dimensions))

    @property
    def components(self):
        """The aggregates this KPI reads from facts (none for a formula)."""
        if self.kind is Kind.AGGREGATE:
            return (self.aggregate,)
        if self.kind is Kind.RATIO:
            return (self.numerator, self.denominator)
        return ()

    @property
    def rollup(self):
        """How stored values combine over periods, companies and dimension values:
        'sum' (components add up), 'min', 'max', 'distinct' (not additive over
        periods) or 'formula' (re-evaluated from combined inputs)."""
        if self.kind is Kind.FORMULA:
            return "formula"
        if self.kind is Kind.RATIO:
            return "sum"
        return {"min": "min", "max": "max", "count_distinct": "distinct"}.get(
            self.aggregate.function, "sum"
        )

    @property
    def is_quotient(self):
        """Whether value = numerator / denominator (ratio, avg)."""
        return self.kind is Kind.RATIO or (
            self.kind is Kind.AGGREGATE and self.aggregate.function == "avg"
        )


def _check_aggregate(aggregate, role, kpi, facts):
    code = kpi.code
    if not isinstance(aggregate, Aggregate):
        raise KpiDefinitionError(f"KPI {code} needs {role}")
    fact = facts.get(aggregate.fact)
    if fact is None:
        known = ", ".join(sorted(facts)) or "none"
        raise KpiDefinitionError(f"KPI {code}: unknown fact {aggregate.fact!r}; available: {known}")
    if aggregate.function not in FUNCTIONS:
        raise KpiDefinitionError(
            f"KPI {code}: unknown aggregation {aggregate.function!r}; "
            f"use one of: {', '.join(FUNCTIONS)}"
        )
    if aggregate.measure is None:
        if aggregate.function != "count":
            raise KpiDefinitionError(
                f"KPI {code}: {aggregate.function} needs a measure (only count can count rows)"
            )
    elif aggregate.function in ("count", "count_distinct"):
        fact.column(aggregate.measure, "measure", code)
    elif aggregate.measure not in fact.measures:
        known = ", ".join(sorted(fact.measures)) or "none"
        raise KpiDefinitionError(
            f"KPI {code}: unknown measure {aggregate.measure!r} on fact {fact.name}; "
            f"available: {known}"
        )
    domain_to_sql(aggregate.domain, fact, code)
    for dimension in kpi.dimensions:
        if dimension not in fact.dimensions:
            known = ", ".join(sorted(fact.dimensions)) or "none"
            raise KpiDefinitionError(
                f"KPI {code}: dimension {dimension!r} is not available on fact {fact.name}; "
                f"available: {known}"
            )


def validate(kpi, facts: Mapping, kpis: Mapping | None = None, parsed=None):
    """Check ``kpi`` against the facts (and, for formulas, the other KPIs by code;
    ``parsed`` is its formula when already parsed).

    Raises KpiDefinitionError with a message a KPI administrator understands.
    """
    if not isinstance(kpi.code, str) or not formulas.CODE.match(kpi.code):
        raise KpiDefinitionError(
            f"KPI code {kpi.code!r} is not valid: use 2 to 32 capitals, digits and "
            "underscores, starting with a letter (e.g. REVENUE, MARGIN_PCT)"
        )
    code = kpi.code
    if len(set(kpi.dimensions)) != len(kpi.dimensions):
        raise KpiDefinitionError(f"KPI {code} lists a dimension twice")
    if not isinstance(kpi.scale, int | float) or not math.isfinite(kpi.scale) or not kpi.scale:
        raise KpiDefinitionError(f"KPI {code}: the scale must be a non-zero number")
    given = {
        "aggregate": kpi.aggregate is not None,
        "numerator": kpi.numerator is not None,
        "denominator": kpi.denominator is not None,
        "formula": kpi.formula is not None,
    }
    wanted = {
        Kind.AGGREGATE: {"aggregate"},
        Kind.RATIO: {"numerator", "denominator"},
        Kind.FORMULA: {"formula"},
    }[kpi.kind]
    extra = sorted(name for name, present in given.items() if present and name not in wanted)
    if extra:
        raise KpiDefinitionError(
            f"KPI {code} is a {kpi.kind} KPI and cannot also have: {', '.join(extra)}"
        )
    if kpi.kind is Kind.AGGREGATE:
        _check_aggregate(kpi.aggregate, "an aggregate", kpi, facts)
    elif kpi.kind is Kind.RATIO:
        for role, aggregate in (("numerator", kpi.numerator), ("denominator", kpi.denominator)):
            _check_aggregate(aggregate, f"a {role}", kpi, facts)
            if aggregate.function not in ADDITIVE:
                raise KpiDefinitionError(
                    f"KPI {code}: a ratio is built from sums or counts that add up over "
                    f"days and companies; {aggregate.function} cannot be used for "
                    f"the {role} (use an aggregate KPI for averages)"
                )
    else:
        parsed = parsed or formulas.parse(kpi.formula, code)
        if code in parsed.dependencies:
            raise KpiDefinitionError(f"Formula cycle: {code} -> {code}")
        if kpis is not None:
            for dep in sorted(parsed.dependencies):
                other = kpis.get(dep)
                if other is None:
                    raise KpiDefinitionError(f"Formula of {code} uses unknown KPI {dep!r}")
                missing = [d for d in kpi.dimensions if d not in other.dimensions]
                if missing:
                    raise KpiDefinitionError(
                        f"KPI {code} is broken down by {', '.join(missing)} but {dep}, "
                        "which its formula uses, is not"
                    )
    return kpi
