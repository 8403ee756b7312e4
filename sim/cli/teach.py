"""Teaching commands: `trucesim story`, `trucesim play` and `trucesim viz`.

Registered on the main app by :func:`register`; they reuse the main CLI's option types,
scenario loading and error reporting (exit code 2, one line per problem, no traceback).
"""

from __future__ import annotations

import json
import socket
import sys
from pathlib import Path
from typing import Annotated

import typer

from sim.cli.common import (
    SCENARIO_HELP,
    DaysOption,
    Format,
    FormatOption,
    SeedOption,
    SetOption,
    check_strategy,
    err,
    fail,
    load_or_fail,
    out,
    progress,
)
from sim.scenario import find
from sim.schema import ActorKind, BrokerRole
from sim.strategies import available

WorldOption = Annotated[int, typer.Option(
    min=0, max=10_000_000, help="Which world of the seed to follow (as numbered by `run`).")]
StrategyOption = Annotated[str, typer.Option(help="Strategy name from the scenario.")]


def story(
    scenario: Annotated[Path, typer.Argument(help=SCENARIO_HELP)],
    strategy: StrategyOption = "baseline",
    seed: SeedOption = 0,
    world: WorldOption = 0,
    days: DaysOption = None,
    set_: SetOption = None,
    fmt: FormatOption = Format.TABLE,
    full: Annotated[bool, typer.Option(
        "--full", help="Tell every day with events instead of the summary and the days that "
        "matter.")] = False,
):
    """Tell one world in plain language: who did what to whom, and why.

    First a summary (how long the truce held, what ended it, the turning points), then the
    days that matter, with runs of ordinary days folded into one line; `--full` tells every
    day. The same seed and world always tell the same story; `--format json` prints the
    structured event log instead.

    Examples:

        trucesim story scenarios/syria_2016.yaml --seed 1

        trucesim story scenarios/syria_2016.yaml --seed 1 --full

        trucesim story scenarios/lakeland_teaching.yaml --strategy monitors --world 12

        trucesim story scenarios/syria_2016.yaml --days 90 --format json
    """
    from sim.story import tell  # noqa: PLC0415  lazy: the model

    scn = load_or_fail(scenario, set_)
    check_strategy(scn, strategy, scenario)
    told = tell(scn, strategy, seed, world, days)
    if fmt is Format.JSON:
        print(json.dumps({"heading": told.heading, "day_collapse": told.day_collapse,
                          "events": [e.as_dict() for e in told.events]}, indent=1))
    else:
        out.print(told.full_text if full else told.text, markup=False, highlight=False, end="")


def _default_role(scn) -> str | None:
    brokers = [a for a in scn.actors if a.kind is ActorKind.BROKER]
    mediators = [b for b in brokers if b.role is BrokerRole.MEDIATOR]
    pool = mediators or brokers
    return max(pool, key=lambda b: b.legitimacy).id if pool else None


def _parse_choice(line: str, n: int) -> list[int] | None:
    """``"1,3"`` or ``"1 3"`` -> [0, 2]; empty or ``0`` -> []; None if not understood."""
    words = line.replace(",", " ").split()
    if not all(w.isdigit() and 0 <= int(w) <= n for w in words):
        return None
    return [int(w) - 1 for w in words if int(w) > 0]


def _show_week(week, narrator) -> None:
    said = [narrator.sentence(e) for e in week.events]
    said = [s for s in said if s]
    for s in said[-8:]:
        out.print(f"  · {s}", markup=False, highlight=False)
    if not said:
        out.print("  · a quiet week", highlight=False)


def _show_menu(game) -> None:
    st = game.status()
    away = f"; away from the talks: {', '.join(st['away_from_talks'])}" \
        if st["away_from_talks"] else ""
    out.print(f"\n[bold]Day {st['day']}[/bold] — truce {st['status']}; "
              f"{st['violations_7d']} violations in 7 days; mean trust {st['mean_trust']:.2f}; "
              f"talks {st['talks_progress']:.0%}{away}; spent {st['spent']:g}", highlight=False)
    if game.weeks:  # the full menu once; a reminder afterwards
        menu = " · ".join(f"{i} {a.kind.replace('_', ' ')} ({a.cost:g})"
                          for i, a in enumerate(game.actions, 1))
        out.print(f"  0 wait · {menu}", markup=False, highlight=False)
        return
    out.print("  0. wait and watch (cost 0)", highlight=False)
    for i, a in enumerate(game.actions, 1):
        out.print(f"  {i}. {a.kind.replace('_', ' ')} — {a.description} "
                  f"({a.days} day{'s' if a.days > 1 else ''}, cost {a.cost:g})",
                  markup=False, highlight=False)


def _read_choice(game, lines) -> list[int]:
    """Ask until the answer is understood; at the end of input, wait (choose nothing)."""
    while True:
        out.print("Your move (numbers, comma-separated; Enter = wait): ", end="",
                  highlight=False)
        line = next(lines, None)
        if line is None:
            out.print("")
            return []
        if not sys.stdin.isatty():
            out.print(line.strip(), highlight=False)
        picked = _parse_choice(line, len(game.actions))
        if picked is not None:
            return picked
        err.print(f"not understood: {line.strip()!r}; expected numbers from 0 to "
                  f"{len(game.actions)}", markup=False)


def play(
    scenario: Annotated[Path, typer.Argument(help=SCENARIO_HELP)],
    role: Annotated[str | None, typer.Option(
        help="Broker id you play (default: the most legitimate mediator).")] = None,
    seed: SeedOption = 0,
    world: WorldOption = 0,
    days: DaysOption = None,
    worlds: Annotated[int, typer.Option(
        min=1, max=100_000, help="Worlds per scripted strategy in the final comparison.")] = 500,
    set_: SetOption = None,
):
    r"""Play one broker, week by week: choose its actions; the other actors act as modelled.

    At the end your truce is compared with every scripted strategy, in the same world and on
    average over `--worlds` worlds. Choices are read from standard input, one line per week,
    so a game can be scripted: `printf '1\n\n2\n' | trucesim play ...`; when the input ends,
    the remaining weeks pass with no action.

    Examples:

        trucesim play scenarios/syria_2016.yaml --role un_envoy --seed 3

        trucesim play scenarios/lakeland_teaching.yaml --role regional_council --days 120
    """
    from sim.play import Game, verdict  # noqa: PLC0415  lazy: the runner
    from sim.story import Narrator  # noqa: PLC0415  lazy: the model

    scn = load_or_fail(scenario, set_)
    role = role or _default_role(scn)
    try:
        game = Game(scn, role or "", seed, world, days)
    except ValueError as exc:
        fail([f"{scenario}: --role: {exc}"])
    narrator = Narrator(scn)
    out.print(f"[bold]{scn.meta.name}[/bold]: you are {narrator.names[role]} ({role}); "
              f"{game.horizon} days, seed {seed}, world {world}.", highlight=False)
    lines = iter(sys.stdin.readline, "")
    while not game.finished:
        _show_menu(game)
        week = game.play_week(_read_choice(game, lines))
        _show_week(week, narrator)
    total = worlds * game.horizon * len(available(scn))
    with progress(total) as bar:
        task = bar.add_task("verdict", total=total)
        result = verdict(game, worlds, progress=lambda n: bar.advance(task, n))
    out.print("")
    for line in result.lines():
        out.print(line, highlight=False)


def _free(host: str, port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def viz(
    scenario: Annotated[Path, typer.Argument(help=SCENARIO_HELP)],
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to serve on.")] = 8765,
    host: Annotated[str, typer.Option(
        help="Address to bind; the default serves this machine only.")] = "127.0.0.1",
    set_: SetOption = None,
):
    """Serve the dashboard in the browser: the actors as a network, one world live, the
    ensemble survival curve, the story, and play mode. Works offline.

    Examples:

        trucesim viz scenarios/syria_2016.yaml

        trucesim viz scenarios/lakeland_teaching.yaml --port 8800
    """
    load_or_fail(scenario, set_)  # bad input: the file's problems, exit 2, before serving
    if not _free(host, port):
        fail([f"--port: {host}:{port} is in use; choose another with --port"])
    from sim.viz.dashboard import serve  # noqa: PLC0415  lazy: solara

    out.print(f"dashboard: http://{host}:{port}/  (Ctrl-C to stop)", highlight=False)
    serve(find(scenario), host, port, set_ or [])  # a shipped name becomes its file


def register(app: typer.Typer) -> None:
    """Add the teaching commands to the main app."""
    app.command()(story)
    app.command()(play)
    app.command()(viz)
