"""Property-based fuzzing (hypothesis), bounded to keep the suite quick: whatever the
input, zzqa reads it or refuses it with an InputError — never another exception — and a
rule never fails to run.  The long run is benchmarks/fuzz.py."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zzqa import catalog, compiled, engine, form, period, prose
from zzqa.model import InputError

from conftest import CHECKS, REAL

FORM = form.load(CHECKS)
CATALOG = catalog.load(CHECKS, FORM)
FAST = settings(max_examples=25, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])
A2 = (REAL / "a2_investment.csv").read_text(encoding="utf-8").splitlines()

cell_text = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "-", "/", "%", "1e400", "9" * 30, "-35", "１２．５", "\x1b[2J", "12,5",
                     "0.00001", "NaN", "  3 ", "\u202e7"]),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str))


def fresh() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="zzqa-fuzz-")) / "p"
    shutil.copytree(REAL, folder)
    return folder


def check(folder: Path):
    try:
        report = engine.run(period.load(folder, FORM), FORM, CATALOG)
    except InputError:
        return None
    finally:
        shutil.rmtree(folder.parent, ignore_errors=True)
    assert not [f for f in report.findings if "failed to run" in f.message]
    return report


@FAST
@given(data=st.binary(max_size=400))
def test_any_bytes_as_a_table_are_read_or_refused(data):
    folder = fresh()
    (folder / "a2_investment.csv").write_bytes(data)
    check(folder)


@FAST
@given(row=st.integers(1, len(A2) - 1), column=st.integers(0, 12), text=cell_text)
def test_any_text_in_a_cell_is_a_finding_at_most(row, column, text):
    folder = fresh()
    cells = [line.split(",") for line in A2]
    cells[row][min(column, len(cells[row]) - 1)] = text.replace(",", "").replace("\n", "")
    (folder / "a2_investment.csv").write_text("\n".join(",".join(c) for c in cells) + "\n",
                                              encoding="utf-8")
    check(folder)


@FAST
@given(text=st.text(max_size=300))
def test_any_prose_gets_a_verdict_for_every_number(text):
    folder = fresh()
    (folder / "bulletin.md").write_text(text, encoding="utf-8", errors="surrogatepass")
    report = check(folder)
    if report is not None:
        doc = prose.read(text, "bulletin.md")
        assert len(report.prose) == len(doc.tokens)


@FAST
@given(entry=st.text(max_size=200))
def test_any_rule_file_is_loaded_or_refused_with_its_place(entry):
    checks = Path(tempfile.mkdtemp(prefix="zzqa-fuzz-")) / "checks"
    shutil.copytree(CHECKS, checks)
    (checks / "rules" / "zz.yaml").write_text(entry, encoding="utf-8", errors="surrogatepass")
    try:
        compiled.read(checks)
    except InputError as exc:
        assert exc.path  # a place to look
    finally:
        shutil.rmtree(checks.parent, ignore_errors=True)
