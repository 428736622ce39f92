"""ruff is part of the test command, so CI fails on lint and format drift like on any bug."""

import shutil
import subprocess
import sys

import pytest

from .conftest import REPO


@pytest.mark.parametrize(
    "args",
    [["check", "src", "tests", "benchmarks", "fuzz"], ["format", "--check", "src", "tests", "benchmarks", "fuzz"]],
)
def test_ruff(args):
    ruff = shutil.which("ruff", path=str(REPO / ".venv" / "bin")) or shutil.which("ruff")
    command = [ruff] if ruff else [sys.executable, "-m", "ruff"]
    result = subprocess.run([*command, *args], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
