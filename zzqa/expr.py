"""Interval expressions over table cells, for claims in the prose.

    a2.done_total[合计]                                  a cell (table.column[unit key])
    a6.start_actual[合计] - a6.start_actual_industry[合计]
    a8.done_plan_area[合计/国有] / 10000                 万平方米 from 平方米
    100 * (a6.finish_actual[合计] - a6.finish_actual_industry[合计])
        / (a6.finish_plan[合计] - a6.finish_plan_industry[合计])
    indirect + direct                                    other numbers of the same sentence

Python's parser reads the expression (cell references are first rewritten into calls);
evaluation is interval arithmetic on exact fractions: each cell stands for the interval of
its printed decimals, and the result is the set of values the expression can take.
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

CELL = re.compile(r"\b([a-z][a-z0-9_]*)\.([a-z_][a-z0-9_]*)\[([^\]]+)\]")


class ExprError(ValueError):
    pass


@dataclass(frozen=True)
class Ref:
    table: str
    column: str
    key: str


Interval = tuple[Fraction, Fraction]


@functools.lru_cache(maxsize=4096)
def parse(text: str) -> ast.expr:
    code = CELL.sub(lambda m: f"_cell({m[1]!r}, {m[2]!r}, {m[3].strip()!r})", text)
    if len(text) > 2000:
        raise ExprError(f"an expression of {len(text):,} characters: at most 2,000")
    try:
        node = ast.parse(code.strip(), mode="eval").body
    except (SyntaxError, RecursionError, MemoryError, ValueError):
        raise ExprError(f"cannot read expression {text[:80]!r}") from None
    cell_args = {id(a) for n in ast.walk(node) if isinstance(n, ast.Call) for a in n.args}
    for n in ast.walk(node):
        if isinstance(n, ast.Constant) and id(n) not in cell_args and not (
                type(n.value) in (int, float) and abs(n.value) < float("inf")):
            raise ExprError(f"only finite numbers may stand in {text!r}, not {n.value!r}")
        if isinstance(n, ast.Call) and not (isinstance(n.func, ast.Name) and n.func.id == "_cell"):
            raise ExprError(f"only cell references, numbers and + - * / in {text!r}")
        if not isinstance(n, (ast.BinOp, ast.UnaryOp, ast.Constant, ast.Name, ast.Call,
                              ast.Load, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.USub)):
            raise ExprError(f"unsupported {type(n).__name__} in {text!r}")
    return node


def refs(node: ast.expr) -> list[Ref]:
    return [Ref(*(a.value for a in n.args)) for n in ast.walk(node)
            if isinstance(n, ast.Call)]


def names(node: ast.expr) -> list[str]:
    return [n.id for n in ast.walk(node) if isinstance(n, ast.Name) and n.id != "_cell"]


def evaluate(node: ast.expr, cell: Callable[[Ref], Interval],
             name: Callable[[str], Interval]) -> Interval:
    """The interval of the expression; `cell` and `name` give their operands' intervals."""
    if isinstance(node, ast.Constant):
        v = Fraction(str(node.value))
        return v, v
    if isinstance(node, ast.Call):
        return cell(Ref(*(a.value for a in node.args)))
    if isinstance(node, ast.Name):
        return name(node.id)
    if isinstance(node, ast.UnaryOp):
        lo, hi = evaluate(node.operand, cell, name)
        return -hi, -lo
    a = evaluate(node.left, cell, name)
    b = evaluate(node.right, cell, name)
    if isinstance(node.op, ast.Add):
        return a[0] + b[0], a[1] + b[1]
    if isinstance(node.op, ast.Sub):
        return a[0] - b[1], a[1] - b[0]
    if isinstance(node.op, ast.Div):
        if b[0] <= 0 <= b[1]:
            raise ExprError("division by an interval that contains 0")
        b = (1 / b[1], 1 / b[0])
    products = [x * y for x in a for y in b]
    return min(products), max(products)
