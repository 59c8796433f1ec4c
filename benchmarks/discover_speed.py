"""Time `zzqa discover` on a synthetic table of 100 rows and 30 columns (target < 5 s).

    python benchmarks/discover_speed.py [ROWS] [COLUMNS]

The table has ten groups of three columns (合计 = 甲 + 乙, amounts with two decimals), a
合计 row, a title and a two-row header, written as a CSV export; the time covers reading,
the whole search and the report.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from zzqa import discover  # noqa: E402


def build(folder: Path, rows: int = 100, columns: int = 30, seed: int = 7) -> Path:
    rng = np.random.default_rng(seed)
    groups = columns // 3
    top, sub, data = ["单位"], [""], []
    cols = []
    for g in range(groups):
        a = np.round(rng.uniform(1, 500, rows), 2)
        b = np.round(rng.uniform(1, 500, rows), 2)
        cols += [a + b, a, b]
        top += [f"指标{g + 1}", "", ""]
        sub += ["合计", "甲类", "乙类"]
    m = np.array(cols)
    lines = ["附件1", "合成测试表", ",".join(top), ",".join(sub),
             "合计," + ",".join(f"{x:.2f}" for x in m.sum(axis=1))]
    for r in range(rows):
        lines.append(f"单位{r + 1}," + ",".join(f"{x:.2f}" for x in m[:, r]))
    del data
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "t.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    columns = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    with tempfile.TemporaryDirectory() as tmp:
        src = build(Path(tmp), rows, columns)
        start = time.perf_counter()
        result = discover.discover(src)
        discover.report(result)
        took = time.perf_counter() - start
    ids = [p for p in result.proposals if p.kind == "row_identity" and not p.implied]
    print(f"{rows} rows × {columns} columns: {took:.2f} s, {len(result.proposals)} proposals, "
          f"{len(ids)} row identities (expected {columns // 3})")


if __name__ == "__main__":
    main()
