"""The official SARIF 2.1.0 JSON Schema, for the tests: fetched once from the npm registry
(Microsoft's @microsoft/jest-sarif ships the schema of SARIF's editors, 2.1.0-rtm.5) and
kept in the user's cache, its SHA-256 checked.  Not in the repository: it is not ours."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "@microsoft/jest-sarif@1.0.0-beta.0"
MEMBER = "package/lib/schemas/sarif-2.1.0-rtm.5.json"
SHA256 = "2d99159ae54a3eea97f81781cff48780548657c35949f4b7f25e99a2ba4de4f8"


def schema() -> dict | str:
    """The schema, or why it cannot be had (no npm, no registry)."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "zzqa-tests"
    path = cache / "sarif-2.1.0-rtm.5.json"
    if not path.exists():
        npm = shutil.which("npm")
        if npm is None:
            return "npm is not installed: it fetches the official SARIF schema"
        with tempfile.TemporaryDirectory() as tmp:
            done = subprocess.run([npm, "pack", PACKAGE, "--silent"], cwd=tmp,
                                  capture_output=True, text=True, timeout=120)
            packs = list(Path(tmp).glob("*.tgz"))
            if done.returncode or not packs:
                return f"npm pack {PACKAGE} failed: {done.stderr.strip()[-300:]}"
            with tarfile.open(packs[0]) as tar:
                data = tar.extractfile(MEMBER).read()
        cache.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != SHA256:
        return f"{path} is not the schema expected (SHA-256 differs)"
    return json.loads(data)
