"""The KPI catalogue: the definitions parsed, checked and put in dependency order
once, with the formula graph (what a KPI needs, what uses it) that every entry
point (materialisation, queries, previews) reads instead of lists of KPIs."""

import copy
from collections.abc import Iterable, Mapping

from . import formula as formulas
from .definitions import Kind, validate
from .errors import KpiDefinitionError


class Catalogue:
    """KPI definitions by code, checked against ``facts`` (fact name -> Fact).

    ``excluded`` maps the codes of KPIs left out of ``kpis`` (their facts are not
    loaded yet, or their definition cannot be read) to why: formulas using them,
    directly or not, are set aside with that reason. An invalid definition raises
    KpiDefinitionError when ``strict`` (a KPI form); otherwise it is set aside with
    its message, and so are the formulas using it (a run computes the others).
    Set-aside KPIs stay readable (``closure``) but cannot be computed
    (``closure(..., computable=True)`` raises their message).
    """

    def __init__(
        self, kpis: Iterable, facts: Mapping, excluded: Mapping | None = None, strict: bool = True
    ):
        self.facts = dict(facts)
        self.problems = {}  # code -> why it cannot be computed
        self._by_code = {}
        for kpi in kpis:
            if kpi.code in self._by_code:
                raise KpiDefinitionError(f"KPI code {kpi.code} is used twice")
            self._by_code[kpi.code] = kpi
        self._formulas = {}
        for code, kpi in self._by_code.items():
            if kpi.kind is Kind.FORMULA and kpi.formula is not None:
                self._guard(strict, code, lambda k=kpi: self._parse(k))
        self._excluded = dict(excluded or {})
        self._set_aside(self._excluded)
        for code, kpi in self._by_code.items():
            if code not in self.problems:
                self._guard(strict, code, lambda k=kpi: self._validate(k))
        self._set_aside(self.problems)
        self._order()

    # construction

    def _guard(self, strict, code, check):
        try:
            check()
        except KpiDefinitionError as error:
            if strict:
                raise
            self.problems[code] = str(error)

    def _parse(self, kpi):
        self._formulas[kpi.code] = formulas.parse(kpi.formula, kpi.code)

    def _validate(self, kpi):
        validate(kpi, self.facts, self._by_code, self._formulas.get(kpi.code))

    def _set_aside(self, reasons):
        """Record, for every formula using a code of ``reasons`` directly or not,
        the reason of the first such code."""
        reasons = dict(reasons)
        while True:
            more = {
                code: reasons[dep]
                for code, parsed in self._formulas.items()
                if code not in reasons
                for dep in sorted(parsed.dependencies)
                if dep in reasons
            }
            if not more:
                break
            reasons.update(more)
        self.problems.update(
            (code, reason) for code, reason in reasons.items() if code in self._by_code
        )

    def _order(self):
        """Dependency order (each formula after the KPIs it uses), each KPI's closure
        (itself and every KPI its value is computed from) and its direct users."""
        ordered, state, self._needs, self._users = [], {}, {}, {}

        def visit(code, path):
            if state.get(code) == "done":
                return
            if state.get(code) == "active":
                cycle = [*path[path.index(code) :], code]
                raise KpiDefinitionError("Formula cycle: " + " -> ".join(cycle))
            state[code] = "active"
            needs = {code}
            for dep in self.dependencies(code):
                if dep in self._by_code:
                    visit(dep, [*path, code])
                    needs |= self._needs[dep]
                    self._users.setdefault(dep, set()).add(code)
            state[code] = "done"
            self._needs[code] = frozenset(needs)
            ordered.append(self._by_code[code])

        for code in self._by_code:
            visit(code, [])
        self.kpis = tuple(ordered)
        self._position = {kpi.code: n for n, kpi in enumerate(ordered)}

    # lookups

    def __iter__(self):
        return iter(self.kpis)

    def __getitem__(self, code):
        try:
            return self._by_code[code]
        except KeyError:
            raise KpiDefinitionError(f"Unknown KPI {code!r}") from None

    def formula(self, code):
        """The parsed formula of a formula KPI."""
        return self._formulas[code]

    def dependencies(self, code):
        """The KPI codes the formula of ``code`` uses (none for other KPIs)."""
        parsed = self._formulas.get(code)
        return parsed.dependencies if parsed is not None else frozenset()

    def closure(self, codes: Iterable[str], computable=False):
        """The KPIs of ``codes`` and those their formulas use, directly or not, in
        dependency order. A set-aside KPI among them raises KpiDefinitionError with
        its reason when it is to be computed (``computable``) or is a formula that
        could not be parsed."""
        needed = set()
        for code in codes:
            if code not in self._by_code:
                raise KpiDefinitionError(self._excluded.get(code, f"Unknown KPI {code!r}"))
            needed |= self._needs[code]
        for code in sorted(needed, key=self._position.get):
            unreadable = self._by_code[code].kind is Kind.FORMULA and code not in self._formulas
            if code in self.problems and (computable or unreadable):
                raise KpiDefinitionError(self.problems[code])
            unknown = sorted(self.dependencies(code) - self._by_code.keys())
            if unknown:
                raise KpiDefinitionError(f"Formula of {code} uses unknown KPI {unknown[0]!r}")
        return [kpi for kpi in self.kpis if kpi.code in needed]

    def dependents(self, codes: Iterable[str]):
        """The codes of the formulas using any of ``codes``, directly or not."""
        result, todo = set(), list(codes)
        while todo:
            for user in self._users.get(todo.pop(), ()):
                if user not in result:
                    result.add(user)
                    todo.append(user)
        return result

    def with_definitions(self, kpis: Iterable):
        """The catalogue with these definitions in place of those of the same codes
        (e.g. narrowed by a filter), keeping the graph: formulas stay as they are."""
        result = copy.copy(self)
        result._by_code = dict(self._by_code)
        for kpi in kpis:
            if kpi.formula != self[kpi.code].formula:
                raise KpiDefinitionError(f"KPI {kpi.code}: a formula cannot be replaced here")
            result._by_code[kpi.code] = kpi
        result.kpis = tuple(result._by_code[kpi.code] for kpi in self.kpis)
        return result
