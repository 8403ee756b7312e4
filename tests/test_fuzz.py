"""Bad input, fuzzed: every shipped scenario file (and experiment file), mutated by every class
of tests/fuzz/mutate.py, must be answered with located problems — never a crash, a hang or code
run from the file.

Each (file, class) pair runs ``EXAMPLES`` hypothesis examples in-process through
``sim.scenario.load``, the function behind every command; every ``CLI_EVERY``-th case also goes
through the real CLI (``check``, and ``run`` with ``--out``) via typer's CliRunner. The counts
of cases tried are written to ``out/fuzz/in_process.json``. Files added to scenarios/ (or
experiments/) later are picked up automatically. Subprocess cases: tests/test_fuzz_subprocess.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from typer.testing import CliRunner

from sim.cli import app
from tests.fuzz.mutate import (
    CLASSES,
    GENERIC,
    MARKER,
    ROOT,
    is_experiment,
    shipped_files,
    source,
)
from tests.fuzz.oracle import Tally, check_cli_answer, outcome

# 17 classes x 5 scenario files x 8-60 examples: ~1,900 in-process cases in ~45 s of CPU (the
# YAML parse, ~5-45 ms a file, dominates); the count is written to out/fuzz/in_process.json.
EXAMPLES = int(os.environ.get("TRUCESIM_FUZZ_EXAMPLES", "30"))
# Cost is the YAML parse, linear in the file's length: files longer than LINES lines get
# proportionally fewer examples (at least 8), so each file costs about the same.
LINES = 120
# an alias bomb costs ~0.2 s (200,000 values expanded before the budget stops it)
FEWER = {"alias_bomb": 4}
MORE = {"empty_file": 2, "non_utf8": 2}  # refused before (or early in) the parse: cheap
CLI_EVERY = 8  # every 8th case also through `check`; every 16th through `run --out` too
TALLY = Tally("in_process")
FILES = shipped_files()


@pytest.fixture(scope="module", autouse=True)
def _record_counts():
    yield
    TALLY.write()


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    d = tmp_path_factory.mktemp("fuzz")
    # mutated experiment files go in d/experiments/, where their relative path to the base
    # scenario (../scenarios/...) still finds the shipped one
    (d / "experiments").mkdir()
    (d / "scenarios").symlink_to(ROOT / "scenarios", target_is_directory=True)
    return d


def _no_marker(*dirs: Path) -> None:
    for d in dirs:
        assert not (d / MARKER).exists(), f"a YAML tag ran code: {d / MARKER} exists"


def _cli(path: Path, out_dir: Path, must_fail: bool, with_run: bool) -> None:
    runner = CliRunner()
    done = runner.invoke(app, ["check", str(path)])
    check_cli_answer(done.exit_code, done.stdout, done.stderr, str(path), must_fail)
    if not with_run:
        return
    done = runner.invoke(app, ["run", str(path), "--worlds", "3", "--days", "5",
                               "--format", "json", "--out", str(out_dir)])
    check_cli_answer(done.exit_code, done.stdout, done.stderr, str(path), must_fail)
    if done.exit_code != 0:
        assert not out_dir.exists(), f"partial output left in {out_dir}"


def _applicable() -> list:
    """(file, class) pairs where the class finds something to mutate (a file with no actor
    references has no missing_ref case, an experiment file no patron cycle, ...)."""
    pairs = []
    for f in FILES:
        src = source(f)
        pairs += [pytest.param(f, k, id=f"{f.relative_to(ROOT)}-{k}")
                  for k in sorted(CLASSES) if CLASSES[k](src) is not None]
    return pairs


@pytest.mark.parametrize(("shipped", "klass"), _applicable())
def test_mutated_file_gets_located_answer(shipped, klass, workdir):
    src = source(shipped)
    strategy = CLASSES[klass](src)
    folder = workdir / "experiments" if is_experiment(shipped) else workdir
    path = folder / f"{shipped.stem}.{klass}.yaml"
    seen = [0]

    examples = max(8, min(EXAMPLES, round(EXAMPLES * LINES / len(src.lines))))
    examples = max(1, examples * MORE.get(klass, 1) // FEWER.get(klass, 1))

    @given(case=strategy)
    @settings(max_examples=examples, suppress_health_check=[HealthCheck.too_slow,
                                                            HealthCheck.filter_too_much])
    def fuzz(case):
        path.write_bytes(case.content)
        seen[0] += 1
        experiment = is_experiment(shipped)
        if experiment:
            result = "cli"
        else:
            result = outcome(path, case, src.data)
        if experiment or seen[0] % CLI_EVERY == 1:
            with_run = not experiment and seen[0] % (2 * CLI_EVERY) == 1
            # what must be refused in an experiment file is the sweep schema's business;
            # here only bad YAML must be, and every answer must be located
            must = case.must_fail and (not experiment or klass in GENERIC)
            _cli(path, workdir / f"out_{path.stem}_{seen[0]}", must, with_run)
        _no_marker(workdir, Path.cwd(), ROOT)
        TALLY.add(klass, result)

    fuzz()


def test_every_shipped_file_is_fuzzed():
    """The fuzzer finds every shipped scenario, and has sites to mutate in each."""
    assert {f.name for f in FILES} >= {"syria_2016.yaml", "two_party.yaml"}
    for f in FILES:
        assert len(source(f).sites) > 10, f


def test_counts_are_recorded():
    """Runs after the fuzz cases of this module (pytest keeps file order)."""
    n = sum(TALLY.counts.values())
    assert n >= len(FILES) * EXAMPLES, n
    assert {k for k, _ in TALLY.counts} == set(CLASSES)
