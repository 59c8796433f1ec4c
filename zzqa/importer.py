"""`zzqa import`: a Word draft, a workbook or a folder of CSV exports written as a period
folder, exactly as printed — one CSV per appendix (a header row of column ids, then the
rows' text), bulletin.md, period.yaml — so that checking the folder finds what checking the
document finds.  Nothing is written over an existing file without --force, and nothing is
written at all when the document cannot be read.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import yaml

from . import readers
from .files import write_all
from .model import InputError

PERIOD = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")


def guess_period(source) -> str | None:
    """YYYY-MM from the document: the latest year printed (2020 年) and the last month of
    the first "1-N 月" of its titles, headers or prose."""
    text = " ".join([*(str(t) for t in source.meta.get("titles", [])), source.prose or ""])
    years = [int(y) for y in re.findall(r"(20\d{2})\s*年", text)]
    month = re.search(r"1\s*[-—–－]\s*(\d{1,2})\s*月", text)
    if years and month and 1 <= int(month[1]) <= 12:  # the latest year: "2018-2019 年签约"
        return f"{max(years)}-{int(month[1]):02d}"  # looks back, "2020 年任务数" is now
    return None


def write(path: Path, into: Path, form, period: str | None, force: bool) -> list[str]:
    """Import `path` into the folder `into`; the files written."""
    kind = readers.kind_of(path)
    if kind == "period folder":
        raise InputError(path, "is a period folder already: nothing to import")
    if into.resolve() == path.resolve() or path.resolve() in into.resolve().parents:
        raise InputError(into, "is the document's own folder: import into another folder")
    source = readers.read(path, form)
    name = period or guess_period(source)
    if name is None:
        raise InputError(path, "no period (YYYY-MM) can be told from the document: give it "
                         "with --period")
    if not PERIOD.match(name):
        raise InputError(path, f"--period {name!r} is not YYYY-MM")
    files = {form.tables[t].path: _csv(raw.frame) for t, raw in source.tables.items()}
    if source.prose is not None:
        files["bulletin.md"] = source.prose
    meta = {"period": name, "source": path.name, "imported_from": source.meta.get("format", kind)}
    if source.meta.get("read"):
        meta["read"] = list(source.meta["read"])
    files["period.yaml"] = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
    odd = [f for f in files if (into / f).exists() and not (into / f).is_file()]
    if odd:
        raise InputError(into / odd[0], "exists and is not a file: zzqa import writes files only")
    clash = [f for f in files if (into / f).exists()]
    if clash and not force:
        raise InputError(into / clash[0], "exists: zzqa import writes over nothing without "
                         "--force")
    write_all(into, files)
    return sorted(files)


def _csv(frame) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(list(frame.columns))
    for row in frame.itertuples(index=False):
        w.writerow(["" if v is None else str(v) for v in row])
    return out.getvalue()
