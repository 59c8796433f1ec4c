"""An Excel workbook (.xlsx, openpyxl): one sheet per appendix, in any order, under any
name; each recognised by its 附件N and title (readers.grid).

A cell is read as it prints: a number in the text its number format gives it ("0.0" shows
52.64 as 52.6, "0.0%" shows 0.854 as 85.4%), because the printed text is what gets
published; where the workbook stores more than it prints, the stored value is kept
beside it (RawTable.stored).  A formula is read by the value Excel last computed for it;
one without (a workbook written by a program and never opened in Excel) is an InputError
naming the cell, as is a password-protected or corrupt file.  An error value (#DIV/0!,
#REF!) is read as printed: not a number, a finding at its cell.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from .. import files
from ..i18n import _
from ..model import InputError
from . import grid as grid_mod

# parts of a number format that print nothing or decorate: "_)" spacing, "*-" fill,
# quoted or escaped literals, [Red] and [$-804] codes
_DECOR = re.compile(r'_.|\*.|"[^"]*"|\\.|\[[^\]]*\]')


def printed(value, fmt: str | None) -> tuple[str, str | None]:
    """The text a cell prints, and the stored value's text where it holds more decimals
    than that (None otherwise)."""
    if value is None:
        return "", None
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE"), None
    if isinstance(value, str):
        return value.strip(), None
    if not isinstance(value, (int, float)):  # a date, a time: as General shows it
        return str(value), None
    exact = Decimal(repr(float(value))) if isinstance(value, float) else Decimal(value)
    section = _section(fmt or "General", value)
    if section is None or re.search(r"[Ee][+-]", section):  # General (or scientific): as
        return _general(exact), None  # many digits as the value has, up to 11 significant
    literal = '"%"' in section or "\\%" in section  # a % printed, the value not scaled
    body = _DECOR.sub("", section)
    percent = "%" in body
    shown = exact * 100 if percent else exact
    thousands = len(body) - len(body.rstrip(","))  # "0.0," shows thousands
    shown = shown / Decimal(1000) ** thousands
    decimals = len(re.sub(r"[^0#?]", "", body.split(".", 1)[1])) if "." in body else 0
    step = Decimal(1).scaleb(-decimals)
    rounded = abs(shown).quantize(step, rounding=ROUND_HALF_UP)
    # a negative value prints with its minus, whichever section prints it ("0;-0",
    # "0_ ;[红色]-0 ", "0;(0)": the bulletin's figures are signed numbers)
    negative = shown < 0 and rounded != 0
    text = ("-" if negative else "") + f"{rounded:f}" + ("%" if percent or literal else "")
    more = _places(shown) > decimals
    stored = (_general(shown) + ("%" if percent or literal else "")) if more else None
    return text, stored


def _section(fmt: str, value) -> str | None:
    """The section of a number format that prints the value (positive;negative;zero);
    None for General (or a format showing no digit: text as General)."""
    sections = fmt.split(";")
    if len(sections) > 1 and value < 0:
        section = sections[1]
    elif len(sections) > 2 and value == 0:
        section = sections[2]
    else:
        section = sections[0]
    if section.strip().lower() in ("general", "") or not re.search(r"[0#?]", section):
        return None
    return section


def _places(d: Decimal) -> int:
    exponent = d.normalize().as_tuple().exponent
    return max(-exponent, 0) if isinstance(exponent, int) else 0


def _general(d: Decimal) -> str:
    """As Excel's General shows a number: up to 11 significant digits, no trailing zeros."""
    if d == d.to_integral_value():
        return f"{d.quantize(Decimal(1)):f}"
    digits = len(str(abs(d).to_integral_value(rounding=ROUND_HALF_UP)))
    q = Decimal(1).scaleb(-max(11 - digits, 0))
    return f"{d.quantize(q, rounding=ROUND_HALF_UP).normalize():f}"


def grids(path: Path) -> list[grid_mod.Grid]:
    """Every visible sheet of the workbook that holds something, as a Grid (a hidden sheet
    is named in the notes and not read)."""
    try:
        return _grids(path)
    except InputError:
        raise
    except Exception as exc:  # a corrupt part: whatever the XML parser raised
        raise InputError(path, f"cannot be read as an Excel workbook ({type(exc).__name__}: "
                         f"{' '.join(str(exc).split())[:200]})") from None


def _grids(path: Path) -> list[grid_mod.Grid]:
    import io

    import openpyxl
    from openpyxl.utils import get_column_letter

    data = files.read(path, "document")  # a regular file within its limit, never blocking
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(path, "is password-protected or an old .xls workbook: save it as an "
                         "unprotected .xlsx")
    values = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    formulas = openpyxl.load_workbook(io.BytesIO(data), data_only=False)
    out = []
    for ws in values.worksheets:
        if ws.sheet_state != "visible":
            out.append(grid_mod.Grid(path.name, ws.title, [], None, lambda r, c: "",
                                     lambda r: r + 1,
                                     note=_("{sheet}: hidden, not read").format(sheet=ws.title)))
            continue
        raw = formulas[ws.title]
        # the cells that hold text, wherever the sheet's used range says it ends (a styled
        # empty cell at row 1,048,576 makes no table a million rows long)
        filled = [(r, c) for (r, c), cell in ws._cells.items()
                  if cell.value is not None and str(cell.value).strip()]
        formula_cells = [(r, c) for (r, c), cell in raw._cells.items() if cell.data_type == "f"]
        for r, c in formula_cells:
            if ws._cells.get((r, c)) is None or ws._cells[(r, c)].value is None:
                raise InputError(path, f"{ws.title}!{get_column_letter(c)}{r}: a formula "
                                 "without a computed value (open the workbook in Excel and "
                                 "save it, so that it stores the results)")
        if not filled:
            continue
        height = max(r for r, _ in filled)
        width = max(c for _, c in filled)
        if height * width > 20_000_000:
            raise InputError(path, f"{ws.title}: {height:,} rows × {width:,} columns is more "
                             "than a bulletin's table")
        cells = [[""] * width for _ in range(height)]
        stored = {}
        for (r, c), cell in ws._cells.items():
            if r > height or c > width or cell.value is None:
                continue
            text, more = printed(cell.value, getattr(cell, "number_format", None))
            cells[r - 1][c - 1] = text
            if more is not None:
                stored[(r - 1, c - 1)] = more
        merged = [(m.min_row - 1, m.min_col - 1, min(m.max_row, height) - 1,
                   min(m.max_col, width) - 1)
                  for m in ws.merged_cells.ranges if m.min_row <= height and m.min_col <= width]
        title = ws.title
        out.append(grid_mod.Grid(
            path.name, title, cells, merged,
            address=lambda r, c, t=title: f"{t}!{get_column_letter(c + 1)}{r + 1}",
            line=lambda r: r + 1, stored=stored))
    return out
