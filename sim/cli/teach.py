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
    """The week's events in sentences: every broker's choice, belief and battlefield shift,
    then the latest of the rest (up to 8 lines in all, at least 3 of the rest)."""
    from sim.events import What  # noqa: PLC0415  lazy: the model

    game_kinds = (What.BROKER, What.BELIEF, What.BATTLEFIELD)
    told = [narrator.sentence(e) for e in week.events if e.what in game_kinds]
    rest = [s for s in (narrator.sentence(e) for e in week.events if e.what not in game_kinds)
            if s]
    said = [s for s in told if s] + rest[-max(3, 8 - len(told)):]
    for s in said:
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
    as_: Annotated[str | None, typer.Option(
        "--as", help="Play a broker who decides (one with interests): choose its weekly "
        "action among those its role allows, each shown with its utility.")] = None,
    seed: SeedOption = 0,
    world: WorldOption = 0,
    days: DaysOption = None,
    worlds: Annotated[int, typer.Option(
        min=1, max=100_000, help="Worlds per scripted strategy in the final comparison.")] = 500,
    set_: SetOption = None,
):
    r"""Play one broker, week by week: choose its actions; the other actors act as modelled.

    With `--role` you launch interventions (a meeting, monitoring, pressure, ...); at the end
    your truce is compared with every scripted strategy, in the same world and on average over
    `--worlds` worlds. With `--as` you are a broker who decides (docs/model.md section 12.1):
    each week you choose what it does (press, shield, reward, fight for its client, stay out:
    the actions its role allows), seeing each one's utility to it; the other brokers decide as
    the model does, and at the end your truce is compared with the model's own broker.

    Choices are read from standard input, one line per week, so a game can be scripted:
    `printf '1\n\n2\n' | trucesim play ...`. With `--role` an empty line or the end of input
    waits; with `--as` it takes the action of highest utility, and a line naming an action the
    broker may not take ends a scripted game with exit code 2.

    Examples:

        trucesim play scenarios/syria_2016.yaml --role un_envoy --seed 3

        trucesim play scenarios/lakeland_teaching.yaml --role regional_council --days 120

        printf 'shield\nfight\n\n' | trucesim play examples/syria_2016_brokers.yaml --as russia
    """
    from sim.play import Game, verdict  # noqa: PLC0415  lazy: the runner
    from sim.story import Narrator  # noqa: PLC0415  lazy: the model

    scn = load_or_fail(scenario, set_)
    if as_ is not None:
        if role is not None:
            fail([f"{scenario}: --as and --role: play one broker, one way (--as: its own "
                  "decisions; --role: interventions)"])
        play_as(scenario, scn, as_, seed, world, days, worlds)
        return
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


ACTION_LABEL = {"press": "press the violators", "shield": "shield {client}",
                "reward": "reward compliance", "fight": "fight for {client}",
                "stay_out": "stay out"}


def play_as(scenario: Path, scn, broker: str, seed: int, world: int, days: int | None,
            worlds: int) -> None:
    """`trucesim play --as BROKER`: the student makes a deciding broker's weekly choice."""
    from sim.play_broker import BrokerGame, broker_verdict  # noqa: PLC0415  lazy: the runner
    from sim.story import Narrator  # noqa: PLC0415  lazy: the model

    try:
        game = BrokerGame(scn, broker, seed, world, days)
    except ValueError as exc:
        fail([f"{scenario}: --as: {exc}"])
    narrator = Narrator(scn)
    name = narrator.names[broker]
    out.print(f"[bold]{scn.meta.name}[/bold]: you are {name} ({broker}), a {game.role}; each "
              f"week you choose what it does; {game.horizon} days, seed {seed}, world {world}.",
              highlight=False)
    lines, read = iter(sys.stdin.readline, ""), [0]
    while not game.finished:
        _show_options(game, narrator)
        _show_week(game.play_week(_read_action(game, lines, read)), narrator)
    total = worlds * game.horizon
    with progress(total) as bar:
        task = bar.add_task("verdict", total=total)
        result = broker_verdict(game, name, worlds, progress=lambda n: bar.advance(task, n))
    out.print("")
    for line in result.lines():
        out.print(line, highlight=False)


def _show_options(game, narrator) -> None:
    """Today's state, last week's record and each allowed action with its utility."""
    st, s, g = game.status(), game.model.state, game.model.params.game
    c = int(g.broker_client[game.b])
    client = narrator.names[game.model.params.party_ids[c]] if c >= 0 else ""
    out.print(f"\n[bold]Day {st['day']}[/bold] — truce {st['status']}; "
              f"{st['violations_7d']} violations in 7 days; mean trust {st['mean_trust']:.2f}; "
              f"your credibility {s.credibility[0, game.b]:.2f}", highlight=False)
    record = ", ".join(f"{narrator.names[pid]} on {n}" for pid, n in
                       zip(game.model.params.party_ids, s.week_violations[0]))
    out.print(f"  Last week: days with violations: {record}; days spoilers struck: "
              f"{int(s.week_attacks[0])}", markup=False, highlight=False)
    best = game.best()
    for i, o in enumerate(game.options(), 1):
        label = ACTION_LABEL[o.action].format(client=client)
        mark = "   <- the model's choice before its noise" if o.action == best else ""
        out.print(f"  {i}. {label:<34} utility {o.utility:+.3f}{mark}", markup=False,
                  highlight=False)


def _read_action(game, lines, read: list[int]) -> str:
    """The week's action from the next line (a number or a name; empty or the end of input:
    the highest utility). A line not understood is asked again on a terminal; in a scripted
    game it ends the game with its line number, exit 2."""
    while True:
        out.print("Your move (a number or an action; Enter = the highest utility): ", end="",
                  highlight=False)
        line = next(lines, None)
        read[0] += line is not None
        if line is None or not line.strip():
            out.print("", highlight=False)
            return game.best()
        if not sys.stdin.isatty():
            out.print(line.strip(), markup=False, highlight=False)
        try:
            return _action_of(game, line.strip())
        except ValueError as exc:
            if not sys.stdin.isatty():
                fail([f"standard input, line {read[0]}: {exc}"])
            err.print(str(exc), markup=False)


def _action_of(game, text: str) -> str:
    if text.isdigit():
        k = int(text)
        if not 1 <= k <= len(game.actions):
            raise ValueError(f"'{text}': expected a number from 1 to {len(game.actions)} or "
                             f"an action ({', '.join(game.actions)})")
        return game.actions[k - 1]
    return game.check(text)


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

    It starts on SCENARIO; its menu offers every shipped scenario and real case besides, and
    beside a case's run it shows the case's dated record (docs/dashboard.md).

    Examples:

        trucesim viz scenarios/syria_2016.yaml

        trucesim viz scenarios/lakeland_teaching.yaml --port 8800

        trucesim viz cases/yemen_2022
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
