"""What every answer to a bad file must look like, checked the same way in-process and in a
subprocess, and the count of cases tried (written to ``out/fuzz/*.json``, which git ignores)."""

from __future__ import annotations

import json
import re
import signal
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

from sim.scenario import Problem, ScenarioError, load
from tests.fuzz.mutate import ROOT, Case

COUNT_DIR = ROOT / "out" / "fuzz"
FILE_LEVEL = ("YAML", "not valid UTF-8", "expected a mapping", "more than")


class Hang(Exception):
    pass


@contextmanager
def time_limit(seconds: int):
    """Turn a hang into a failure (SIGALRM; pytest runs tests on the main thread)."""
    def on_alarm(signum, frame):
        raise Hang(f"no answer within {seconds} s")
    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def dotted(loc: tuple, data) -> str:
    """A document path as the loader names it: list items with an ``id`` by that id."""
    parts = []
    for key in loc:
        if isinstance(data, list) and isinstance(key, int) and key < len(data):
            item = data[key]
            ident = item.get("id") if isinstance(item, dict) else None
            parts.append(ident if isinstance(ident, str) and ident else str(key))
            data = item
        else:
            parts.append(str(key))
            data = data.get(key) if isinstance(data, dict) else None
    return ".".join(parts)


def related(a: str, b: str) -> bool:
    """One dotted path is the other or contains it (a parent or child field). A prior is about
    the field it names: ``priors.actors.x.y`` is related to ``actors.x``, so deleting a value
    that a prior names is answered at the prior."""
    a, b = a.removeprefix("priors."), b.removeprefix("priors.")
    return a == b or a.startswith(b + ".") or b.startswith(a + ".") or not a or not b


def check_problems(problems: list[Problem], file: str, n_lines: int, case: Case,
                   expected_path: str | None) -> None:
    """Every problem names the file and a line in it, says what was expected, and a field
    unless the file as a whole is broken; one of them is where the mutation was made."""
    assert problems, "an error carries its problems"
    for p in problems:
        text = str(p)
        assert text.startswith(f"{file}:"), text
        assert p.line is not None and 1 <= p.line <= n_lines + 1, text
        assert p.expected.strip(), text
        assert "\n" not in text, text
        if not p.expected.startswith(FILE_LEVEL):
            assert p.path, f"no field named: {text}"
    if case.line is not None:
        assert any(p.line == case.line or (expected_path is not None and
                                           related(p.path, expected_path)) for p in problems), (
            f"no problem at line {case.line} or about {expected_path}: "
            + " | ".join(map(str, problems)))


def outcome(path: Path, case: Case, data) -> str:
    """Load ``path`` (holding ``case.content``); check the answer; return "ok" or "refused"."""
    n_lines = case.content.count(b"\n") + 1
    expected = dotted(case.loc, data) if case.loc is not None else None
    try:
        with time_limit(30):
            load(path)
    except ScenarioError as exc:
        check_problems(exc.problems, str(path), n_lines, case, expected)
        return "refused"
    assert not case.must_fail, f"accepted: {case.note}"
    return "ok"


CLI_LINE = re.compile(r"^(?P<file>.+?):(?P<line>\d+): ")


def check_cli_answer(code: int, stdout: str, stderr: str, file: str, must_fail: bool) -> None:
    """The CLI's answer: exit 2 and one located message per line on stderr, or exit 0."""
    assert "Traceback" not in stderr + stdout, stderr
    assert "internal error" not in stderr, stderr
    if code == 0:
        assert not must_fail, "accepted a file that must be refused"
        return
    assert code == 2, (code, stderr)
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert lines, "exit 2 without a message"
    for ln in lines:
        m = CLI_LINE.match(ln)
        assert m and m["file"] == file, f"message without file:line: {ln!r}"


class Tally:
    """Cases tried per class, merged into ``out/fuzz/<name>.json`` at the end of a module."""

    def __init__(self, name: str):
        self.name, self.counts = name, Counter()

    def add(self, klass: str, result: str) -> None:
        self.counts[klass, result] += 1

    def write(self) -> dict:
        table: dict[str, dict[str, int]] = {}
        for (klass, result), n in sorted(self.counts.items()):
            table.setdefault(klass, {})[result] = n
        total = sum(self.counts.values())
        COUNT_DIR.mkdir(parents=True, exist_ok=True)
        report = {"total": total, "per_class": table}
        (COUNT_DIR / f"{self.name}.json").write_text(json.dumps(report, indent=2) + "\n")
        print(f"\nfuzz cases tried ({self.name}): {total}; written to "
              f"{(COUNT_DIR / f'{self.name}.json').relative_to(ROOT)}")
        return report
