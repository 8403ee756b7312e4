"""docs/cli.md is what `make docs` (sim/docgen.py) writes from the typer app, now.

If this fails after a change to a command, an option or a help text, run `make docs` and commit
docs/cli.md with the change.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sim.cli import app
from sim.docgen import cli_reference, main, refresh_outputs

ROOT = Path(__file__).resolve().parents[1]
CLI_MD = ROOT / "docs" / "cli.md"


def make_app() -> typer.Typer:
    """A two-command app, to see the generator at work on names it has never seen."""
    toy = typer.Typer(help="A toy.\n\nExamples:\n\n    toy paint --colour blue")

    @toy.command()
    def paint(wall: Annotated[Path, typer.Argument(help="The wall to paint.")],
              colour: Annotated[str, typer.Option(help="Paint colour.")] = "red",
              coats: Annotated[int, typer.Option(min=1, max=3, help="Coats.")] = 2):
        """Paint a wall.

        Longer text about painting.
        """

    @toy.command("scrub-floor")
    def scrub(hard: Annotated[bool, typer.Option("--hard", help="Scrub | hard.")] = False):
        """Scrub the floor."""

    return toy


def test_docs_cli_md_is_what_the_generator_writes_now():
    assert CLI_MD.read_text() == cli_reference(app), "docs/cli.md is stale: run `make docs`"


def test_the_reference_names_every_command_and_every_option_of_the_app():
    text = CLI_MD.read_text()
    group = typer.main.get_command(app)
    for name, cmd in group.commands.items():
        assert f"\n## trucesim {name}\n" in text
        section = text.split(f"\n## trucesim {name}\n")[1].split("\n## ")[0]
        for param in cmd.params:
            for flag in param.opts:
                assert f"`{flag}" in section or f"`{flag} " in section, (name, flag)


def test_a_toy_app_gets_usage_help_arguments_options_defaults_and_ranges():
    text = cli_reference(make_app())
    assert "| [`trucesim paint`](#trucesim-paint) | Paint a wall. |" in text
    assert "| [`trucesim scrub-floor`](#trucesim-scrub-floor) | Scrub the floor. |" in text
    paint = text.split("\n## trucesim paint\n")[1].split("\n## ")[0]
    assert "Usage: `trucesim paint [OPTIONS] {wall}`" in paint
    assert "Longer text about painting." in paint
    assert "| `wall <path>` | The wall to paint. | required |" in paint
    assert "| `--colour <str>` | Paint colour. | default: red |" in paint
    assert "| `--coats <int range>` | Coats. | default: 2; 1<=x<=3 |" in paint
    assert "| `--hard` | Scrub \\| hard. |  |" in text  # a pipe cannot end the table cell
    assert "    toy paint --colour blue" in text


def test_check_mode_fails_on_a_stale_file_and_passes_on_a_fresh_one(tmp_path, capsys):
    target = tmp_path / "cli.md"
    target.write_text(CLI_MD.read_text() + "hand-written line\n")
    assert main(["--check", str(target)]) == 1
    assert "out of date" in capsys.readouterr().err
    assert main([str(target)]) == 0
    assert main(["--check", str(target)]) == 0
    assert target.read_text() == CLI_MD.read_text()


def test_refresh_outputs_reruns_shown_commands_and_leaves_other_blocks_alone():
    doc = ("Text\n\n```console\n$ trucesim a\nold output\n\n$ trucesim b\n```\n\n"
           "```python\n$ not a shell\n```\n\n```\ntrucesim c\n```\n")
    fake = {"trucesim a": ["new A"], "trucesim b": ["new B1", "new B2"]}
    assert refresh_outputs(doc, run=fake.__getitem__) == (
        "Text\n\n```console\n$ trucesim a\nnew A\n$ trucesim b\nnew B1\nnew B2\n```\n\n"
        "```python\n$ not a shell\n```\n\n```\ntrucesim c\n```\n")
