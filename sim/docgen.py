"""The command-line reference, docs/cli.md, generated from the typer app.

Every command, argument and option is read from the click command that typer builds
(``typer.main.get_command``) and each parameter's own help record, so the reference says what
``--help`` says and nothing else.
``make docs`` (``python -m sim.docgen``) rewrites the file; ``python -m sim.docgen --check``
exits 1 when the file differs, and tests/test_docgen.py does the same in the suite.

``python -m sim.docgen --outputs FILE...`` (also part of ``make docs``) reruns every
``$ trucesim ...`` command of the files' console blocks and writes what it prints under it, so
the outputs the docs show are produced, never typed; tests/test_docs_commands.py checks them.
"""

from __future__ import annotations

import inspect
import os
import re
import subprocess
import sys
from pathlib import Path

import typer

from sim.cli import app as trucesim_app

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "docs" / "cli.md"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
SUFFIX = re.compile(r"\s{2}\[([^\[\]]*)\]$")
HEADER = """# Command-line reference

Generated from the typer app (the `sim/cli/` package) by `make docs`
(`python -m sim.docgen`); do not edit it by hand. tests/test_docgen.py fails when this file is
not what the generator writes now. What the commands print and write, with worked examples, is
in [usage.md](usage.md).
"""


def cli_reference(app: typer.Typer) -> str:
    """The Markdown reference of every command of ``app``.

    Args:
        app: the typer application (``sim.cli.app``).

    Returns:
        The text of docs/cli.md: the program's help, a table of commands, then one section per
        command with its usage, help text, arguments and options.

    Example:
        >>> from sim.cli import app
        >>> cli_reference(app).startswith("# Command-line reference")
        True
    """
    group = typer.main.get_command(app)
    name = "trucesim"
    ctx = typer.Context(group, info_name=name)
    parts = [HEADER, _help_text(group.help), _params_table(group, ctx, group_level=True),
             _command_table(group, name)]
    for cmd_name in sorted(group.commands):
        parts.append(_command_section(group.commands[cmd_name], f"{name} {cmd_name}"))
    return "\n".join(p for p in parts if p).rstrip() + "\n"


def _help_text(text: str | None) -> str:
    r"""A help text as Markdown: dedented, with click's ``\b`` no-wrap markers removed."""
    lines = [ln for ln in inspect.cleandoc(text or "").splitlines() if ln.strip() != "\b"]
    return "\n".join(lines).strip() + "\n" if lines else ""


def _summary(cmd) -> str:
    """The first sentence of a command's help, as its one-line description."""
    first = _help_text(cmd.help).split("\n\n")[0]
    return " ".join(first.split())


def _command_table(group, name: str) -> str:
    rows = ["## Commands\n", "| command | what it does |", "|---|---|"]
    for cmd_name in sorted(group.commands):
        anchor = f"{name}-{cmd_name}".replace(" ", "-")
        rows.append(f"| [`{name} {cmd_name}`](#{anchor}) | "
                    f"{_cell(_summary(group.commands[cmd_name]))} |")
    return "\n".join(rows) + "\n"


def _command_section(cmd, full_name: str) -> str:
    ctx = typer.Context(cmd, info_name=full_name)
    usage = cmd.get_usage(ctx).removeprefix("Usage: ")
    parts = [f"## {full_name}\n", f"Usage: `{usage}`\n", _help_text(cmd.help),
             _params_table(cmd, ctx)]
    return "\n".join(p for p in parts if p)


def _params_table(cmd, ctx: typer.Context, group_level: bool = False) -> str:
    """Arguments and options as ``--help`` lists them: name and value, meaning, default."""
    records = [r for p in cmd.params if (r := p.get_help_record(ctx))]
    if not records:
        return ""
    title = "Options of `trucesim` itself:\n\n" if group_level else ""
    rows = ["| argument or option | meaning | default, range |", "|---|---|---|"]
    for flags, text in records:
        meaning, extra = _split_help(text)
        rows.append(f"| `{_cell(flags)}` | {_cell(meaning)} | {_cell(extra)} |")
    return title + "\n".join(rows) + "\n"


def _split_help(text: str) -> tuple[str, str]:
    """A help record's text, split into the meaning and typer's ``[default: ...]`` suffix."""
    found = SUFFIX.search(text)
    if not found:
        return text, ""
    return text[:found.start()], found.group(1)


def _cell(text: str) -> str:
    """Text made safe for one cell of a Markdown table."""
    return " ".join(text.split()).replace("|", "\\|")


def shown_output(command: str) -> list[str]:
    """What ``command`` prints (stdout, then stderr), as the docs show it: no blank lines.

    It runs in bash from the repository root with this interpreter's ``bin/`` first on PATH and
    the environment tests/test_docs_commands.py gives it (160 columns, no terminal).
    """
    env = {"PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
           "HOME": os.environ.get("HOME", str(ROOT)), "LANG": "C.UTF-8", "COLUMNS": "160",
           "TERM": "dumb"}
    done = subprocess.run(["bash", "--noprofile", "--norc", "-c", command], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600, check=False)
    return [ln.rstrip() for ln in (done.stdout + done.stderr).splitlines() if ln.strip()]


def refresh_outputs(text: str, run=shown_output) -> str:
    """``text`` with the output under every ``$ command`` of its console blocks rerun.

    Args:
        text: a Markdown document.
        run: the function that runs one command and returns its output lines.

    Returns:
        The document with each block that shows ``$ `` commands rewritten as each command
        followed by what it prints; other blocks are left as they are.
    """
    def block(m: re.Match) -> str:
        lines = m.group(2).splitlines()
        commands = [ln for ln in lines if ln.startswith("$ ")]
        if m.group(1) not in ("", "console") or not commands:
            return m.group(0)
        body = [out for c in commands for out in [c, *run(c[2:])]]
        return f"```{m.group(1)}\n" + "\n".join(body) + "\n```"

    return FENCE.sub(block, text)


def main(argv: list[str] | None = None) -> int:
    """Write docs/cli.md, or with ``--check`` exit 1 if it is not what would be written.

    Args:
        argv: command-line arguments: ``--check``, and optionally the output path; or
            ``--outputs`` and the Markdown files whose shown outputs to rerun.

    Returns:
        The exit code: 0, or 1 when ``--check`` finds the file out of date.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["--outputs"]:
        for name in args[1:]:
            path = Path(name)
            path.write_text(refresh_outputs(path.read_text()))
            print(f"rewrote the command outputs in {path}")
        return 0
    check = "--check" in args
    paths = [a for a in args if a != "--check"]
    target = Path(paths[0]) if paths else OUTPUT
    text = cli_reference(trucesim_app)
    if check:
        current = target.read_text() if target.exists() else ""
        if current != text:
            print(f"{target} is out of date: run `make docs`", file=sys.stderr)
            return 1
        return 0
    target.write_text(text)
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
