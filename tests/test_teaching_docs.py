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


@pytest.mark.parametrize("lesson,command", CASES,
                         ids=[f"{p.stem}:{c.split()[1]}:{i}" for i, (p, c) in enumerate(CASES)])
def test_every_lesson_command_runs(lesson, command, monkeypatch, tmp_path):
    monkeypatch.chdir(ROOT)
    args = shlex.split(command)[1:]
    stdin = None
    if args[0] == "play":  # a scripted student: a meeting in week 1, then watching
        stdin = "1\n"
    result = CliRunner().invoke(app, args, input=stdin, env={"COLUMNS": "160"})
    assert result.exit_code == 0, f"{lesson.name}: `{command}`\n{result.output}"
    assert result.stdout.strip()
