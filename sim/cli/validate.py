"""`trucesim validate`: the validation scorecard on the command line (docs/validation.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.progress import BarColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from sim.cli.common import Bar, err, fail, out


def validate(
    quick: Annotated[bool, typer.Option(
        "--quick", help="Fewer worlds per claim (1,000, a few claims 2,000; same rules, wider "
        "intervals).")] = False,
    out_file: Annotated[Path | None, typer.Option(
        "--out", help="Also write the scorecard as Markdown to this file (with --out-of-sample: "
                  "the results folder).")] = None,
    only: Annotated[list[str] | None, typer.Option(
        "--claim", help="Check only this claim (repeatable); default: all.")] = None,
    out_of_sample: Annotated[bool, typer.Option(
        "--out-of-sample", help="Instead of the scorecard: predict each real case from a joint "
        "calibration on the others and score it against two nulls (--out: a results folder, "
        "default out/out_of_sample; rerun to resume).")] = False,
    budget: Annotated[int, typer.Option(
        help="--out-of-sample: parameter sets simulated per held-out case's calibration "
             "(at least 8; population a quarter of it, 4..100).")] = 400,
    cases: Annotated[list[str] | None, typer.Option(
        "--cases", help="--out-of-sample: the cases (ids in scenarios/cases/, repeatable or "
                        "comma-separated); default: all.")] = None,
    worlds: Annotated[int, typer.Option(
        min=1, help="--out-of-sample: worlds per parameter set and case.")] = 10,
    workers: Annotated[int, typer.Option(
        min=1, max=256, help="--out-of-sample: processes sharing each batch; results do not "
                             "depend on it.")] = 1,
    seed: Annotated[int, typer.Option(min=0, help="--out-of-sample: random seed.")] = 0,
):
    """Check the model against the ceasefire literature and the 2016 record.

    Each claim runs its scenario(s) at a fixed seed and reports its figure with a 95% interval
    and pass or fail; whether it emerges or is imposed; and, where it has one, its negative
    control, which must fail the claim's rule. Exit code 1 when any claim fails, 2 on bad
    input.

    Examples:

        trucesim validate --quick

        trucesim validate --out validation.md

        trucesim validate --claim early_hazard --claim guarantee

        trucesim validate --out-of-sample --budget 8 --worlds 2 --cases colombia_eln_2017,syria_sep_2016 --out out/oos-small

        trucesim validate --out-of-sample --budget 400 --worlds 10 --workers 2 --out OUT
    """  # noqa: E501  (the help's examples, one command line each)
    if out_of_sample:
        from sim.cli.out_of_sample import run  # noqa: PLC0415  lazy: the runner

        if only:
            fail(["--claim: not used with --out-of-sample (the scorecard's claims)"])
        return run(budget, cases, workers, out_file, seed, worlds)
    from sim.validation import CLAIMS, run_claims, to_markdown  # noqa: PLC0415  lazy: the runner

    known = [c.id for c in CLAIMS]
    unknown = [c for c in only or [] if c not in known]
    if unknown:
        fail([f"--claim: no claim '{c}'; expected one of: {', '.join(known)}" for c in unknown])
    if out_file is not None and not out_file.parent.is_dir():
        where = out_file.parent
        fail([f"--out: {where} is not a directory; expected a .md file in an existing one"])
    claims = tuple(c for c in CLAIMS if not only or c.id in only)
    with Bar(TextColumn("[bold]validating"), BarColumn(),
             TextColumn("{task.completed}/{task.total} claims"), TimeElapsedColumn(),
             console=err, transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task("validate", total=len(claims))
        rows = run_claims(quick, claims, progress=lambda _: bar.advance(task))
    out.print(_table(rows, quick))
    if out_file is not None:
        try:
            out_file.write_text(to_markdown(rows, quick))
        except OSError as exc:
            fail([f"{out_file}: cannot write the scorecard: {exc.strerror or exc}"])
        out.print(f"scorecard written to {out_file}", highlight=False)
    failed = [r.claim.id for r in rows if not r.passed]
    if failed:
        out.print(f"[red]{len(failed)} claim(s) fail:[/red] {', '.join(failed)} "
                  "(docs/validation.md explains them)")
        raise typer.Exit(1)


def _table(rows, quick: bool) -> Table:
    from sim.validation import tally  # noqa: PLC0415  lazy: the runner

    t = Table(title=f"Validation scorecard ({'quick' if quick else 'full'}): {tally(rows)}; "
                    "figures with 95% intervals",
              title_justify="left", box=box.SIMPLE_HEAD, show_lines=False)
    for head in ("claim", "kind", "origin", "source", "n", "figure (95% CI)",
                 "negative control", "result"):
        t.add_column(head, overflow="fold")
    for r in rows:
        style = "green" if r.passed else "bold red"
        t.add_row(r.claim.id, r.claim.kind, r.claim.origin, r.claim.citation, f"{r.worlds:,}",
                  r.figure(), r.control_cell(), f"[{style}]{r.verdict}[/{style}]")
    return t


def register(app: typer.Typer) -> None:
    """Add the `validate` command to the CLI."""
    app.command()(validate)
