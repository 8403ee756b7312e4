"""The code states our conventions and keeps them: `ruff check sim tests` is clean with the rules
of pyproject.toml's [tool.ruff.lint] (import order, imports at module level except the
documented lazy ones, Google-style docstrings, the E/F/W basics), as `make lint` runs it."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def ruff(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ruff", "check", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def test_ruff_is_clean_on_sim_and_tests():
    done = ruff("sim", "tests")
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_rules_that_state_our_conventions_are_on():
    lint = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["ruff"]["lint"]
    assert {"E", "F", "W", "I", "D", "PLC0415"} <= set(lint["select"])
    assert lint["pydocstyle"]["convention"] == "google"


def test_ruff_finds_an_import_inside_a_function_and_a_missing_docstring(tmp_path):
    bad = tmp_path / "sim_bad.py"
    bad.write_text('"""A module."""\n\n\ndef public():\n    import json\n\n    return json\n')
    done = ruff("--config", str(ROOT / "pyproject.toml"), "--no-cache", str(bad))
    assert done.returncode == 1
    assert "PLC0415" in done.stdout and "D103" in done.stdout
