"""The lessons in docs/teaching/: each has the parts a teacher needs, and every command in
them runs as written (in process, through the same CLI app)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli import app

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "docs" / "teaching").glob("lesson*.md"))
SECTIONS = ("## Goals", "## Run it", "## Questions for students", "## What they should discover",
            "## Debrief guide")
COMMAND = re.compile(r"^\$ (trucesim .+)$", re.MULTILINE)


def commands(lesson: Path) -> list[str]:
    """Every ``$ trucesim ...`` line of the lesson's console blocks."""
    blocks = re.findall(r"```console\n(.*?)```", lesson.read_text(), re.DOTALL)
    return [c for b in blocks for c in COMMAND.findall(b)]


def test_there_are_at_least_three_lessons_and_one_uses_the_fictional_scenario():
    assert len(LESSONS) >= 3
    assert any("scenarios/lakeland_teaching.yaml" in " ".join(commands(p)) for p in LESSONS)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_a_lesson_has_goals_commands_questions_findings_and_a_debrief(lesson):
    text = lesson.read_text()
    positions = [text.find(s) for s in SECTIONS]
    assert all(p >= 0 for p in positions), [s for s, p in zip(SECTIONS, positions) if p < 0]
    assert positions == sorted(positions)
    assert commands(lesson)


CASES = [(p, c) for p in LESSONS for c in commands(p)]
OUTPUTS: dict[tuple[str, str], str] = {}  # (lesson, command) -> its output, shared by the tests
FIGURE = re.compile(r"\d+\.\d%|(?:hazard ratio:?|HR) \d\.\d\d", re.IGNORECASE)


def run_command(command: str) -> str:
    args = shlex.split(command)[1:]
    stdin = "1\n" if args[0] == "play" else None  # a scripted student: a meeting in week 1
    result = CliRunner().invoke(app, args, input=stdin, env={"COLUMNS": "160"})
    assert result.exit_code == 0, f"`{command}`\n{result.output}"
    return result.stdout


def findings(lesson: Path) -> str:
    """The text of "What they should discover" and of any "Going further" section."""
    parts = re.split(r"^(## .+)$", lesson.read_text(), flags=re.MULTILINE)
    return "\n".join(body for head, body in zip(parts[1::2], parts[2::2])
                     if head.startswith(("## What they should discover", "## Going further")))


@pytest.mark.parametrize("lesson,command", CASES,
                         ids=[f"{p.stem}:{c.split()[1]}:{i}" for i, (p, c) in enumerate(CASES)])
def test_every_lesson_command_runs(lesson, command, monkeypatch, tmp_path):
    monkeypatch.chdir(ROOT)
    out = run_command(command)
    assert out.strip(), f"{lesson.name}: `{command}` printed nothing"
    OUTPUTS[lesson.name, command] = out


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_every_figure_a_lesson_quotes_is_in_its_commands_output(lesson, monkeypatch):
    """Each percentage (one decimal) and hazard ratio in the findings is printed by one of the
    lesson's commands, so the lessons cannot drift from what the model does."""
    monkeypatch.chdir(ROOT)
    quoted = {m.group(0) for m in FIGURE.finditer(findings(lesson))}
    assert quoted, f"{lesson.name}: no figures found in its findings"
    printed = " ".join(OUTPUTS.get((lesson.name, c)) or run_command(c) for c in commands(lesson))
    numbers = {q: q.split()[-1] for q in quoted}  # "hazard ratio 0.51" -> "0.51"
    missing = sorted(q for q, n in numbers.items()  # whole numbers only: 9.4% is not 99.4%
                     if not re.search(rf"(?<![\d.]){re.escape(n)}(?!\d)", printed))
    assert not missing, f"{lesson.name} quotes figures its commands do not print: {missing}"
