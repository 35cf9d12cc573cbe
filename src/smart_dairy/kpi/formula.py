"""Formula KPIs: a safe parser and evaluator for arithmetic over KPI codes.

Allowed: numbers, KPI codes, ``+ - * /``, unary minus/plus, parentheses, the
functions ``abs``, ``min`` and ``max``, and ``DAYS``, the number of days in the
period the formula is evaluated for (DSO = AVG_RECEIVABLES / NET_REVENUE * DAYS).
Anything else (attributes, other calls, subscripts, comparisons, ``**``...) is
refused before anything is evaluated.
"""

import ast
import dataclasses
import math
import operator
import re
from collections.abc import Mapping

from .errors import KpiDefinitionError

CODE = re.compile(r"^[A-Z][A-Z0-9_]{1,31}$")
MAX_LENGTH = 2000
_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul}
_FUNCTIONS = {"abs": (1, 1), "min": (2, 32), "max": (2, 32)}
_HELP = "use numbers, KPI codes, DAYS, + - * /, parentheses, abs(), min() and max()"
# Names a formula may use that are not KPI codes; the evaluator's caller supplies them.
BUILTINS = frozenset({"DAYS"})


@dataclasses.dataclass(frozen=True)
class Formula:
    """A parsed formula: its text, checked syntax tree and the KPI codes it uses
    (built-in names such as DAYS are not among them)."""

    text: str
    tree: ast.Expression = dataclasses.field(repr=False, compare=False)
    dependencies: frozenset[str]


def parse(text, kpi_code=None):
    """Parse and check ``text``; KpiDefinitionError says what is not allowed."""
    owner = f" of KPI {kpi_code}" if kpi_code else ""
    if not isinstance(text, str) or not text.strip():
        raise KpiDefinitionError(f"The formula{owner} is empty")
    if len(text) > MAX_LENGTH:
        raise KpiDefinitionError(f"The formula{owner} is longer than {MAX_LENGTH} characters")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise KpiDefinitionError(f"The formula{owner} is not valid: {exc.msg}") from None
    except (RecursionError, MemoryError):
        raise KpiDefinitionError(f"The formula{owner} is nested too deeply") from None
    names = set()
    try:
        _check(tree.body, names, owner)
    except RecursionError:
        raise KpiDefinitionError(f"The formula{owner} is nested too deeply") from None
    return Formula(text, tree, frozenset(names))


def _check(node, names, owner):
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise KpiDefinitionError(f"{node.value!r} in the formula{owner} is not a number")
    elif isinstance(node, ast.Name):
        if not CODE.match(node.id):
            raise KpiDefinitionError(
                f"{node.id!r} in the formula{owner} is not a KPI code "
                "(codes are capitals, digits and underscores, e.g. REVENUE)"
            )
        if node.id not in BUILTINS:
            names.add(node.id)
    elif isinstance(node, ast.BinOp) and type(node.op) in (*_BINARY, ast.Div):
        _check(node.left, names, owner)
        _check(node.right, names, owner)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        _check(node.operand, names, owner)
    elif (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in _FUNCTIONS
        and not node.keywords
    ):
        low, high = _FUNCTIONS[node.func.id]
        if not low <= len(node.args) <= high or any(isinstance(a, ast.Starred) for a in node.args):
            raise KpiDefinitionError(
                f"{node.func.id}() in the formula{owner} takes "
                + ("one value" if high == 1 else "two or more values")
            )
        for arg in node.args:
            _check(arg, names, owner)
    else:
        raise KpiDefinitionError(
            f"'{ast.unparse(node)}' is not allowed in the formula{owner}: {_HELP}"
        )


def evaluate(formula, values: Mapping[str, float | None]):
    """The formula's value; None if an input is missing/None or on division by zero."""
    if isinstance(formula, str):
        formula = parse(formula)
    result = _eval(formula.tree.body, values)
    if result is None or math.isnan(result) or math.isinf(result):
        return None
    return float(result)


def _eval(node, values):
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        value = values.get(node.id)
        return None if value is None else float(value)
    if isinstance(node, ast.UnaryOp):
        operand = _eval(node.operand, values)
        if operand is None:
            return None
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp):
        left, right = _eval(node.left, values), _eval(node.right, values)
        if left is None or right is None:
            return None
        if isinstance(node.op, ast.Div):
            return None if right == 0 else left / right
        return _BINARY[type(node.op)](left, right)
    args = [_eval(arg, values) for arg in node.args]
    if any(arg is None for arg in args):
        return None
    return {"abs": lambda a: abs(a[0]), "min": min, "max": max}[node.func.id](args)
