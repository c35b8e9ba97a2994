"""The designer's pure front-end modules (frontend/src/changes.js, draw.js, edits.js,
format.js, history.js, layout.js, model.js) have unit tests of their own under frontend/test/
(changes.js's against the project types' own description.yaml), run with Node's test runner:
this runs them in the suite, so CI fails when one does."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

FRONTEND = Path(__file__).resolve().parent.parent / "frontend"


def test_node_unit_tests_pass():
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is missing: the front end cannot be built or tested (scripts/setup installs it)")
    if not (FRONTEND / "node_modules" / "yaml").is_dir():
        pytest.fail("frontend/node_modules is missing: run scripts/setup (npm ci)")
    run = subprocess.run(
        [node, "--test", "test/"], cwd=FRONTEND, capture_output=True, text=True, timeout=300, check=False
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "# fail 0" in run.stdout and "# pass 0" not in run.stdout, run.stdout[-2000:]
