"""Linear formulas of the catalog, e.g. `done_total = done_industry + done_support`.

Python's own parser reads them (ast); this module only accepts the small linear subset:
names (optionally `table.column`), integer coefficients, + and -, one of = <= >=, and for
ratios a single division `percent = numerator / denominator`.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

_SINGLE_EQ = re.compile(r"(?<![<>=!])=(?!=)")
RELATIONS = {ast.Eq: "=", ast.LtE: "<=", ast.GtE: ">="}


MAX_COEFFICIENT = 10**6  # beyond it, coefficient × a sum of cells may overflow 64 bits


class FormulaError(ValueError):
    pass


@dataclass(frozen=True)
class Term:
    coef: int
    table: str | None  # None: the rule's own table
    column: str


@dataclass(frozen=True)
class Formula:
    text: str
    lhs: tuple[Term, ...]
    relation: str
    rhs: tuple[Term, ...]

    @property
    def terms(self) -> tuple[Term, ...]:
        return self.lhs + self.rhs


@dataclass(frozen=True)
class Ratio:
    text: str
    percent: Term
    numerator: Term
    denominator: Term


def _expr(text: str) -> ast.expr:
    try:
        tree = ast.parse(_SINGLE_EQ.sub("==", text).strip(), mode="eval")
    except SyntaxError:
        raise FormulaError(f"cannot read formula {text!r}") from None
    return tree.body


def _name(node: ast.expr, text: str) -> Term:
    if isinstance(node, ast.Name):
        return Term(1, None, node.id)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return Term(1, node.value.id, node.attr)
    raise FormulaError(f"expected a column in {text!r}, found {ast.unparse(node)!r}")


def _terms(node: ast.expr, text: str, sign: int = 1) -> list[Term]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
        right_sign = sign if isinstance(node.op, ast.Add) else -sign
        return _terms(node.left, text, sign) + _terms(node.right, text, right_sign)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return _terms(node.operand, text, -sign)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        if isinstance(node.left, ast.Constant) and type(node.left.value) is int \
                and 0 < abs(node.left.value) <= MAX_COEFFICIENT:
            t = _name(node.right, text)
            return [Term(sign * node.left.value, t.table, t.column)]
        raise FormulaError(f"only non-zero integer coefficients up to {MAX_COEFFICIENT:,} are "
                           f"allowed in {text!r}")
    t = _name(node, text)
    return [Term(sign, t.table, t.column)]


def parse(text: str) -> Formula:
    node = _expr(text)
    if not (isinstance(node, ast.Compare) and len(node.ops) == 1
            and type(node.ops[0]) in RELATIONS):
        raise FormulaError(f"a formula needs one of = <= >= in {text!r}")
    return Formula(text, tuple(_terms(node.left, text)), RELATIONS[type(node.ops[0])],
                   tuple(_terms(node.comparators[0], text)))


def parse_ratio(text: str) -> Ratio:
    node = _expr(text)
    if (isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], ast.Eq)
            and isinstance(node.comparators[0], ast.BinOp)
            and isinstance(node.comparators[0].op, ast.Div)):
        div = node.comparators[0]
        return Ratio(text, _name(node.left, text), _name(div.left, text), _name(div.right, text))
    raise FormulaError(f"a ratio reads `percent = numerator / denominator`, not {text!r}")
