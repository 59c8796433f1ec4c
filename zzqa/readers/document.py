"""The office's own documents — a Word draft, an Excel workbook, a folder of CSV exports —
read into the same Source as a period folder (readers.grid does the recognising)."""

from __future__ import annotations

from pathlib import Path

from . import grid as grid_mod


def _source(path: Path, grids: list, form, kind: str, prose: str | None = None,
            prose_file: str | None = None, paragraphs: list | None = None):
    from . import Source
    patterns = grid_mod.PERIOD_LABELS
    found = grid_mod.recognise(grids, form, str(path), patterns)
    tables = {name: grid_mod.to_raw(g, f, form.tables[name], str(path), patterns)
              for name, (g, f) in found.items()}
    missing = {s.name: f"附件{s.appendix}" for s in form.tables.values() if s.name not in tables}
    notes = [g.note for g in grids if g.note] + [n for g in grids for n in g.notes]
    notes = list(dict.fromkeys(notes))
    meta = {"period": path.stem if not path.is_dir() else path.name, "format": kind}
    if notes:
        meta["read"] = notes
    if paragraphs:
        meta["paragraphs"] = paragraphs
    # the titles and headers as printed: what `zzqa import` tells the period from
    meta["titles"] = [f.title for _, f in found.values()] + [
        p for g, f in found.values() for p in grid_mod.paths(g, f.header)]
    return Source(path, path.stem if not path.is_dir() else path.name, meta, tables, missing,
                  prose, prose_file, [])


class _Reader:
    def __init__(self, read):
        self.read = read


def _exports(path: Path, form):
    from . import exports as mod
    return _source(path, mod.grids(path), form, "CSV exports")


def _workbook(path: Path, form):
    from . import xlsx
    return _source(path, xlsx.grids(path), form, "Excel workbook")


def _draft(path: Path, form):
    from . import docx
    grids, prose, paragraphs = docx.read(path)
    return _source(path, grids, form, "Word document", prose, path.name, paragraphs)


exports, workbook, draft = _Reader(_exports), _Reader(_workbook), _Reader(_draft)
