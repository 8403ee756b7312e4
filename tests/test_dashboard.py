"""The dashboard (sim.viz.dashboard): controls from the schema, its model and figures, and the
page itself in a real headless Chromium (Debian's, driven by Playwright)."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest

import sim
from sim.rng import BLOCK
from sim.schema import Actor, Information
from sim.viz.dashboard import (
    dashboard_model,
    ensemble_csv,
    judge,
    model_params,
    network_figure,
    parse_seed,
    run_block,
    survival_curve,
    survival_figure,
    world_csv,
    world_figure,
)
from sim.viz.page import PlayTab

ROOT = Path(__file__).resolve().parents[1]
LAKELAND = ROOT / "scenarios" / "lakeland_teaching.yaml"
# screenshots and the server's log; another directory lets two runs share a worktree
ARTIFACTS = Path(os.environ.get("TRUCESIM_TEST_ARTIFACTS", ROOT / "tests" / "artifacts"))
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
SERVER_START_S = 180  # imports of solara + mesa take ~20 s on a busy 2-core machine


def bound(model_cls, name: str) -> tuple[float, float]:
    meta = model_cls.model_fields[name].metadata
    return (next(m.ge for m in meta if hasattr(m, "ge")),
            next(m.le for m in meta if hasattr(m, "le")))


# ---------------------------------------------------------------- controls and model
def test_sliders_take_their_bounds_and_values_from_the_schema_and_the_scenario():
    scn = sim.load(LAKELAND)
    params = model_params(scn)
    attribution = params["information__p_misattribution"]
    assert (attribution.min, attribution.max) == bound(Information, "p_misattribution")
    assert attribution.value == scn.information.p_misattribution
    spoiler = params["actors__black_reed__capability"]
    assert (spoiler.min, spoiler.max) == bound(Actor, "capability")
    assert spoiler.value == next(a.capability for a in scn.actors if a.id == "black_reed")
    # labels in words, with actor names, never ids or schema field names
    assert [p.label for p in params.values()] == [
        "attribution error", "verification", "Regional Council's legitimacy",
        "Black Reed militia's capability"]


def test_the_dashboard_model_is_built_from_its_controls():
    cls = dashboard_model(LAKELAND, [])
    model = cls(strategy="monitors", seed="12", information__p_misattribution=0.05,
                actors__black_reed__capability=0.9)
    assert model.config.information.p_misattribution == 0.05
    assert next(a.capability for a in model.config.actors if a.id == "black_reed") == 0.9
    assert model.streams.seed == 12 and model.strategy_name == "monitors"
    assert (parse_seed(" 7 "), parse_seed("seven"), parse_seed("")) == (7, 0, 0)


def test_figures_render_and_the_ensemble_matches_trucesim_run():
    model = dashboard_model(LAKELAND, [])(seed="3")
    for _ in range(40):
        model.step()
    assert len(network_figure(model).axes) == 1
    assert len(world_figure(model).axes) == 2
    collapse = run_block(model, 0)
    stop = threading.Event()
    stop.set()
    assert run_block(model, 0, stop) is None  # a cancelled block stops at once
    ran = sim.run(sim.load(LAKELAND), "baseline", worlds=1024, seed=3).worlds
    assert np.array_equal(collapse, ran["day_collapse"].to_numpy())
    curve = survival_figure(collapse, 240, 40).axes[0].lines[0].get_ydata()
    assert np.all(np.diff(curve) <= 0) and curve[0] <= 1.0


def test_figures_before_the_first_day_have_no_empty_legend(recwarn):
    model = dashboard_model(LAKELAND, [])(seed="3")
    fig = world_figure(model)
    assert all(ax.get_legend() is None for ax in fig.axes)
    assert not [w for w in recwarn if "legend" in str(w.message)]


def test_the_exports_hold_the_worlds_days_and_the_ensembles_curve():
    model = dashboard_model(LAKELAND, [])(seed="3")
    for _ in range(5):
        model.step()
    lines = world_csv(model).splitlines()
    assert lines[0].startswith("# Lakeland") and "Day 5 of 240 · strategy baseline" in lines[0]
    assert lines[1].split(",")[:3] == ["day", "n_holding", "n_in_trouble"]
    assert [r.split(",")[0] for r in lines[2:]] == [str(d) for d in range(len(lines) - 2)]
    assert "mean_trust" in lines[1] and len(lines) - 2 == len(
        model.datacollector.get_model_vars_dataframe())
    collapse = run_block(model, 0)
    rows = ensemble_csv(model, collapse).splitlines()
    assert rows[1] == "day,share_holding,worlds" and len(rows) == 2 + 241
    day, share, worlds = rows[2 + 100].split(",")
    assert (day, worlds) == ("100", "1024")
    # the share still holding after day 100, counted by hand
    assert float(share) == pytest.approx(((collapse < 0) | (collapse > 100)).mean())
    assert float(share) == pytest.approx(survival_curve(collapse, 240)[100])


def quoted_dashboard_words(path: Path, start: str, end: str) -> list[str]:
    """The "quoted" words of the passage of ``path`` from ``start`` up to ``end``."""
    text = path.read_text()
    passage = text[text.index(start):]
    return [" ".join(w.split()) for w in re.findall(r'"([^"]+)"', passage[:passage.index(end)])]


def test_the_docs_name_only_controls_the_page_has():
    """Every control the docs and the lessons quote is a slider label (for the scenario the
    passage names) or a label written in the page's code."""
    page = "".join((ROOT / "sim" / "viz" / name).read_text()
                   for name in ("page.py", "case_panels.py"))
    syria = {p.label for p in model_params(sim.load(ROOT / "scenarios" / "syria_2016.yaml"))
             .values()}
    passages = [(ROOT / "docs" / "dashboard.md", "## The dashboard", "## Stories"),
                (ROOT / "docs" / "teaching" / "README.md", "`trucesim viz", "`trucesim play"),
                (ROOT / "docs" / "teaching" / "lesson1_spoilers.md", "In the dashboard", "##")]
    words = [w for p in passages for w in quoted_dashboard_words(*p)]
    assert "attribution error" in words and "Restart with these settings" in words
    for word in words:
        # a button label may be quoted whole or as one of the two faces of Run/Pause
        assert word in syria or f'"{word}"' in page or word in page.split('"'), word


# ---------------------------------------------------------------- play mode's verdict
SHORT = ["meta.horizon_days=28"]  # four weeks of play (Lakeland's scripted attack is on day 20)


def play_to_the_end(model) -> None:
    from sim.play import Game

    model.game = Game(model.config, "regional_council", model.streams.seed, 0,
                      model.params.horizon, model.strategy_name, model=model)
    while not model.game.finished:
        model.game.play_week([])


def test_judge_reports_its_progress_and_stops_when_cancelled():
    from sim.play import verdict

    model = dashboard_model(LAKELAND, SHORT)(seed="4")
    play_to_the_end(model)
    shares: list[int] = []
    text = judge(model.game, 64, shares.append)
    assert text == "\n\n".join(verdict(model.game, 64).lines())
    assert shares == sorted(set(shares)) and shares[0] < 50 and shares[-1] == 100
    cancel = threading.Event()
    cancel.set()
    shares.clear()
    assert judge(model.game, 64, shares.append, cancel) == "" and shares == []


def play_card(rc) -> str:
    """The text of the play tab's widgets."""
    import ipyvuetify as v

    return " ".join(" ".join(c for c in w.children if isinstance(c, str))
                    for w in rc.find(v.Html).widgets)


def test_the_verdict_is_computed_in_a_thread_while_the_page_shows_its_progress(monkeypatch):
    """The last "Play a week" returns at once; the page says the verdict is being computed,
    then shows it: the same text as computing it directly."""
    import ipyvuetify as v
    import solara

    import sim.play

    release, real = threading.Event(), sim.play.verdict

    def held(*args, **kwargs):  # the verdict waits until the test has looked at the page
        assert release.wait(120)
        return real(*args, **kwargs)

    monkeypatch.setattr(sim.play, "verdict", held)
    model = dashboard_model(LAKELAND, SHORT)(seed="4")
    tab = PlayTab(solara.reactive(model), solara.reactive(0), solara.reactive(False))
    _, rc = solara.render(tab, handle_error=False)
    select = rc.find(v.Select).widget
    assert select.items == ["Regional Council", "Northern Republic"]  # names, no blank entry
    select.v_model = "Regional Council"
    for _ in range(4):
        rc.find(v.Btn, children=["Play a week"]).widget.click()
    assert model.game.finished
    assert (f"Judging your truce against every scripted strategy on {BLOCK:,} worlds: 0%"
            in play_card(rc))
    release.set()
    end = time.monotonic() + 120
    while "You kept" not in play_card(rc) and time.monotonic() < end:
        time.sleep(0.1)
    shown = play_card(rc)
    for line in real(model.game, BLOCK).lines():
        assert line in shown
    assert "Judging" not in shown


# ---------------------------------------------------------------- the page in a browser
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, proc: subprocess.Popen, timeout: float) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise AssertionError(f"the server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"no answer from {url} in {timeout:.0f} s")


# Written to the server's log by an audit hook in the server process (sitecustomize on its
# PYTHONPATH): every name lookup and connection to anywhere but this machine.
AUDIT_HOOK = """
import sys

LOCAL = ("127.0.0.1", "::1", "localhost", "0.0.0.0", "", None)


def _outbound(event, args):
    if event == "socket.getaddrinfo" and args[0] not in LOCAL and args[0] != b"localhost":
        print(f"TRUCESIM-OUTBOUND lookup {args[0]!r}", file=sys.stderr, flush=True)
    elif event == "socket.connect" and isinstance(args[1], tuple) and args[1][0] not in LOCAL:
        print(f"TRUCESIM-OUTBOUND connect {args[1]!r}", file=sys.stderr, flush=True)


sys.addaudithook(_outbound)
print("TRUCESIM-AUDIT on", file=sys.stderr, flush=True)
"""


def need_chromium() -> None:
    """Skip where Debian's chromium is missing, except under CI=true (there the test fails)."""
    if not os.path.exists(CHROMIUM) and not os.environ.get("CI"):
        pytest.skip("Debian's chromium is not installed (`make browser` installs it); "
                    "under CI=true this test runs and fails instead")


@contextlib.contextmanager
def serving(scenario: Path, log: Path, env: dict | None = None):
    """``trucesim viz SCENARIO`` on a free port, its output in ``log``; yields (url, log)."""
    port = free_port()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with log.open("w") as sink:
        proc = subprocess.Popen([sys.executable, "-m", "sim", "viz", str(scenario), "--port",
                                 str(port)], stdout=sink, stderr=subprocess.STDOUT, env=env)
    try:
        wait_for(f"http://127.0.0.1:{port}/", proc, SERVER_START_S)
        yield f"http://127.0.0.1:{port}/", log
    finally:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    need_chromium()
    hook = tmp_path_factory.mktemp("audit")
    (hook / "sitecustomize.py").write_text(AUDIT_HOOK)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(hook), *filter(None, [os.environ.get("PYTHONPATH")])]))
    with serving(LAKELAND, ARTIFACTS / "dashboard_server.log", env) as served:
        yield served


def settings_text(page) -> str:
    return page.locator(".trucesim-settings").inner_text()


def wait_for_hook(page, hook: str, timeout_s: float = 90, **want) -> None:
    """Wait until the hidden element of class ``hook`` has every ``data-KEY`` = ``want[KEY]``
    (an int means "at least", for counts that only grow, such as the ensemble's worlds): the
    server's state, not a transient text a busy test could look for after the page passed it."""
    page.wait_for_function(HOOK_HAS, arg=[hook, {k.replace("_", "-"): v
                                                  for k, v in want.items()}],
                           timeout=timeout_s * 1000)


HOOK_HAS = """([hook, want]) => {
    const el = document.querySelector('.' + hook);
    if (!el) return false;
    return Object.entries(want).every(([k, v]) => {
        const got = el.getAttribute('data-' + k);
        return typeof v === 'number' ? got !== null && +got >= v : got === v;
    });
}"""


def wait_for_state(page, seed: int, day: int | None = None, ensemble: int = 0,
                   pending_seed: int | None = None, timeout_s: float = 90) -> None:
    """Wait until the page's state hook shows the live world of ``seed`` (on ``day``) with at
    least ``ensemble`` ensemble worlds run for it (and ``pending_seed`` typed in the seed box)."""
    want = {"seed": str(seed), "ensemble": ensemble}
    want |= {} if day is None else {"day": str(day)}
    want |= {} if pending_seed is None else {"pending_seed": str(pending_seed)}
    wait_for_hook(page, "trucesim-state", timeout_s, **want)


def wait_for_images(page, n: int, timeout_s: float = 90) -> None:
    """Wait until ``n`` images (the plots) have loaded in the browser: the server has sent them
    once the state hook shows their day, but the browser decodes them after that."""
    page.wait_for_function(f"Array.from(document.images).filter(i => i.complete && "
                           f"i.naturalWidth > 100).length >= {n}", timeout=timeout_s * 1000)


MESA_INTERNALS = ("Play Interval", "Render Interval", "Use Threads", "Time:", "Page 0",
                  "Model Parameters", "Information")


def download(page, label: str) -> str:
    with page.expect_download() as got:
        page.get_by_text(label).click()
    return Path(got.value.path()).read_text()


def hook_value(page, hook: str, key: str) -> str:
    return page.locator(f".{hook}").get_attribute(f"data-{key}")


def open_page(browser, url: str, outside: list):
    """A page of the dashboard that records every request to anywhere but this machine."""
    page = browser.new_page(viewport={"width": 1500, "height": 1500}, accept_downloads=True)
    # clicks wait for Solara's busy overlay to lift; 30 s was once too short under load
    page.set_default_timeout(90_000)
    page.on("request", lambda r: outside.append(r.url)
            if not r.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:",
                                     "blob:")) else None)
    page.goto(url, wait_until="domcontentloaded")
    wait_for_state(page, seed=0, day=0, timeout_s=SERVER_START_S)
    return page


def check_labels(page) -> list[str]:
    """Tabs named, sliders labelled with their values and as wide as each other, no Mesa
    internals; returns the slider labels."""
    from playwright.sync_api import expect

    expect(page.get_by_role("tab", name="The world")).to_be_visible()
    expect(page.get_by_role("tab", name="Play a broker")).to_be_visible()
    body = page.locator("body").inner_text()
    assert [m for m in MESA_INTERNALS if m.lower() in body.lower()] == []
    labels = page.locator(".trucesim-slider-label").all_inner_texts()
    shown = {p.label: p.value for p in model_params(sim.load(LAKELAND)).values()}
    assert labels == [f"{k}: {v:.2f}" for k, v in shown.items()]
    # a long actor name does not squash its slider
    widths = page.locator(".v-slider").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().width)")
    assert len(widths) == 4 and max(widths) - min(widths) < 1, widths
    return labels


def restart_with_seed_7(page, labels: list[str]) -> None:
    """A new seed and a slider moved change the model only once Restart is pressed."""
    from playwright.sync_api import expect

    before = settings_text(page)
    page.get_by_label("Seed (a whole number)").fill("7")
    wait_for_state(page, seed=0, pending_seed=7)  # the seed reached the server
    page.get_by_role("slider").first.focus()
    page.keyboard.press("ArrowRight")
    expect(page.locator(".trucesim-slider-label").first).not_to_have_text(labels[0])
    assert "seed 0 ·" in settings_text(page)  # typed and moved, not applied yet
    page.get_by_role("button", name="Restart with these settings").click()
    wait_for_state(page, seed=7, day=0)
    after = settings_text(page)
    assert after.split("seed 7 · ")[1] != before.split("seed 0 · ")[1]


def step(page, seed: int, to_day: int) -> None:
    page.get_by_role("button", name="Step one day").click()
    wait_for_state(page, seed=seed, day=to_day)


def run_then_pause(page) -> int:
    """Run a few days, pause; the world stays on the day it paused (returned) and steps on."""
    page.get_by_role("button", name="Run", exact=True).click()
    wait_for_hook(page, "trucesim-state", SERVER_START_S, playing="1", day=3)
    page.get_by_role("button", name="Pause").click()
    wait_for_hook(page, "trucesim-state", playing="0")
    paused = int(hook_value(page, "trucesim-state", "day"))
    step(page, 7, paused + 1)  # a day run after the pause would make this day paused + 2
    assert settings_text(page).startswith(f"Day {paused + 1} of 240")
    return paused + 1


def check_exports(page, day: int) -> None:
    world = download(page, "This world's days (CSV)").splitlines()
    assert f"Day {day} of 240 · strategy baseline · seed 7" in world[0]
    assert world[1].startswith("day,") and len(world) == 2 + day
    curve = download(page, "The ensemble's survival curve (CSV)").splitlines()
    assert curve[1] == "day,share_holding,worlds" and len(curve) == 2 + 241
    assert int(curve[2].split(",")[2]) >= BLOCK


def play_a_week(page, day: int) -> None:
    """The mediator, chosen by name, convenes a meeting and plays a week."""
    from playwright.sync_api import expect

    page.get_by_role("tab", name="Play a broker").click()
    page.locator(".v-select", has_text="You play").click()
    page.locator(".v-menu__content .v-list-item", has_text="Regional Council").click()
    wait_for_hook(page, "trucesim-play-state", role="regional_council", picked="")
    page.get_by_text("mediation meeting — 1 d, cost 5").click()
    wait_for_hook(page, "trucesim-play-state", picked="mediation_meeting")
    expect(page.get_by_role("checkbox", name="mediation meeting — 1 d, cost 5")).to_be_checked()
    page.get_by_role("button", name="Play a week").click()
    wait_for_state(page, seed=7, day=day + 7)
    wait_for_hook(page, "trucesim-play-state", day=str(day + 7), picked="")
    expect(page.get_by_text(f"Day {day + 7}; spent 5 effort points.")).to_be_visible()
    expect(page.get_by_text("Regional Council calls an urgent meeting", exact=True)
           ).to_be_visible()


def test_dashboard_in_headless_chromium(server):
    """Every step waits on the server's state (the hidden hooks), never on time, so a busy
    machine only makes it slower."""
    from playwright.sync_api import expect, sync_playwright

    url, log = server
    expect.set_options(timeout=90_000)  # an upper bound for a busy machine, not a speed test
    assert shutil.which(CHROMIUM) or os.path.exists(CHROMIUM)
    outside: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = open_page(browser, url, outside)
            assert settings_text(page).startswith("Day 0 of 240 · strategy baseline · seed 0")
            wait_for_state(page, seed=0, day=0, ensemble=BLOCK)
            restart_with_seed_7(page, check_labels(page))
            step(page, 7, 1)
            step(page, 7, 2)
            wait_for_state(page, seed=7, day=2, ensemble=BLOCK)
            wait_for_images(page, 3)
            expect(page.locator(".trucesim-story")).to_contain_text(
                "After 2 days the truce still holds")  # the story follows the day
            page.screenshot(path=str(ARTIFACTS / "dashboard_world.png"), full_page=True)
            check_exports(page, 2)
            day = run_then_pause(page)
            play_a_week(page, day)
            page.screenshot(path=str(ARTIFACTS / "dashboard_play.png"), full_page=True)
            # another browser session has its own model, still on day 0
            other = open_page(browser, url, outside)
            assert settings_text(other).startswith("Day 0 of 240 · strategy baseline · seed 0")
            assert settings_text(page).startswith(f"Day {day + 7} of 240")  # untouched
            assert outside == [], f"the page fetched from outside: {outside[:5]}"
        finally:
            browser.close()
    served = log.read_text()
    assert "TRUCESIM-AUDIT on" in served  # the hook ran, so its silence below means something
    bad = [line for line in served.splitlines()
           if "TRUCESIM-OUTBOUND" in line or "Could not load" in line or "Warning" in line
           or "Traceback" in line]
    assert bad == [], bad[:5]


def test_a_case_chosen_in_the_menu_runs_beside_its_record_in_headless_chromium(server):
    """The menu offers a real case by name with its dates; chosen, its world runs and its
    record (how it ended, the record against the ensemble, the dated events) is beside it."""
    from playwright.sync_api import expect, sync_playwright

    from sim.calibrate_joint import CASES_DIR, case_ids
    from sim.story import Narrator
    from sim.viz.record import event_lines, menu, outcome_line, record_of, short_outcome

    url, log = server
    expect.set_options(timeout=90_000)  # an upper bound for a busy machine, not a speed test
    case = case_ids()[-1]  # whatever the library holds
    rec = record_of(CASES_DIR / f"{case}.yaml")
    label = next(k for k, p in menu(LAKELAND).items() if p.stem == case)
    assert label.endswith(f"({short_outcome(rec)})")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = open_page(browser, url, [])
            page.locator(".v-select", has_text="Scenario or case").click()
            page.locator(".v-menu__content .v-list-item", has_text=label).click()
            wait_for_hook(page, "trucesim-state", scenario=case, day="0", seed="0")
            wait_for_hook(page, "trucesim-record", case=case, events=str(len(rec.events)),
                          ensemble=BLOCK)
            step(page, 0, 1)
            wait_for_images(page, 3)
            expect(page.locator(".trucesim-record-text")).to_contain_text(outcome_line(rec))
            expect(page.locator(".trucesim-record-text")).to_contain_text("· the record: ")
            for line in event_lines(rec, Narrator(sim.load(CASES_DIR / f"{case}.yaml")).names):
                expect(page.locator(".trucesim-record-events")).to_contain_text(line)
            assert settings_text(page).startswith("Day 1 of ")
            page.screenshot(path=str(ARTIFACTS / "dashboard_case.png"), full_page=True)
        finally:
            browser.close()
    assert [line for line in log.read_text().splitlines() if "Traceback" in line] == []


def test_viz_rejects_a_bad_scenario_or_a_busy_port_with_exit_2(tmp_path):
    from typer.testing import CliRunner

    from sim.cli import app

    bad = tmp_path / "bad.yaml"
    bad.write_text(LAKELAND.read_text().replace("horizon_days: 240", "horizon_days: -5"))
    result = CliRunner().invoke(app, ["viz", str(bad)])
    assert result.exit_code == 2 and "horizon_days" in result.stderr
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(app, ["viz", str(LAKELAND), "--port", str(port)])
    assert result.exit_code == 2 and "is in use" in result.stderr
