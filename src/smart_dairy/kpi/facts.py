"""Fact descriptions: which relation, date, company, dimension and measure columns
a KPI may read. Names are checked here and always quoted as identifiers in SQL."""

import dataclasses
import re
import types
from collections.abc import Mapping

from psycopg2 import sql

from .errors import KpiDefinitionError

IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


def check_identifier(name, what):
    """``name`` if it is a plain SQL identifier (letters, digits, underscores)."""
    if not isinstance(name, str) or not IDENTIFIER.match(name):
        raise KpiDefinitionError(
            f"{what} {name!r} is not a valid name: use letters, digits and underscores "
            "(at most 63), starting with a letter or underscore"
        )
    return name


@dataclasses.dataclass(frozen=True, eq=False)
class Fact:
    """A fact table or view.

    ``dimensions`` and ``measures`` map names used by KPIs to columns. A KPI
    filter may use any name in ``columns`` or a dimension/measure name.
    ``date_is_timestamp``: the date column is a UTC ``timestamp without time
    zone`` (converted to the local date of the run's time zone); otherwise a date.
    ``changed_column``: UTC timestamp of the row's last change, for incremental
    refresh. ``boolean_columns``: columns where ``= False`` means "not true".
    """

    name: str
    relation: str
    date_column: str
    company_column: str = "company_id"
    date_is_timestamp: bool = False
    dimensions: Mapping[str, str] = dataclasses.field(default_factory=dict)
    measures: Mapping[str, str] = dataclasses.field(default_factory=dict)
    changed_column: str | None = None
    schema: str | None = None
    extra_columns: tuple[str, ...] = ()
    boolean_columns: frozenset[str] = frozenset()

    def __post_init__(self):
        check_identifier(self.name, "Fact name")
        check_identifier(self.relation, f"Relation of fact {self.name}")
        if self.schema is not None:
            check_identifier(self.schema, f"Schema of fact {self.name}")
        for column in (self.date_column, self.company_column, *self.extra_columns):
            check_identifier(column, f"Column of fact {self.name}")
        if self.changed_column is not None:
            check_identifier(self.changed_column, f"Column of fact {self.name}")
        for kind in ("dimensions", "measures"):
            mapping = dict(getattr(self, kind))
            for key, column in mapping.items():
                check_identifier(key, f"{kind[:-1].capitalize()} name of fact {self.name}")
                check_identifier(column, f"Column of fact {self.name}")
            object.__setattr__(self, kind, types.MappingProxyType(mapping))
        dimension_columns = list(self.dimensions.values())
        if len(set(dimension_columns)) != len(dimension_columns):
            raise KpiDefinitionError(f"Fact {self.name} uses one column for two dimensions")
        object.__setattr__(self, "extra_columns", tuple(self.extra_columns))
        object.__setattr__(self, "boolean_columns", frozenset(self.boolean_columns))

    @property
    def columns(self):
        """Every column name a filter may use, in a stable order."""
        names = [
            self.company_column,
            self.date_column,
            *self.dimensions.values(),
            *self.measures.values(),
            *self.extra_columns,
        ]
        if self.changed_column:
            names.append(self.changed_column)
        return tuple(dict.fromkeys(names))

    def column(self, name, context="filter", kpi_code=None):
        """The column behind a column, dimension or measure name."""
        if isinstance(name, str):
            if name in self.columns:
                return name
            if name in self.dimensions:
                return self.dimensions[name]
            if name in self.measures:
                return self.measures[name]
        where = f" in the {context} of KPI {kpi_code}" if kpi_code else f" in the {context}"
        available = ", ".join(sorted(set(self.columns) | set(self.dimensions) | set(self.measures)))
        raise KpiDefinitionError(
            f"Unknown column {name!r}{where} (fact {self.name}); available: {available}"
        )

    @property
    def table(self):
        """The relation as a quoted identifier."""
        if self.schema:
            return sql.Identifier(self.schema, self.relation)
        return sql.Identifier(self.relation)
