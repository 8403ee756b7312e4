"""Bad input through the real program: ``python -m sim check|run`` in a subprocess, bounded in
time (timeout) and memory (RLIMIT_AS), must exit 2 with ``file:line:`` messages, print no
traceback, run nothing the file contains, and leave no ``--out`` folder behind.

A few dozen cases (each process costs ~1.5 s of CPU to import): the nastiest payload of each
class of tests/fuzz/mutate.py, on a different shipped file each, run two at a time.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.fuzz import mutate as M
from tests.fuzz.oracle import CLI_LINE, COUNT_DIR, check_cli_answer

TIMEOUT_S = 120  # a hang guard on a loaded machine, not a speed target
MEMORY = 2 * 2**30  # address space; `run` needs ~1 GiB of it (numpy, pandas, pyarrow mapped)
SCENARIOS = [f for f in M.shipped_files() if not M.is_experiment(f)]


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def _site(src: M.Source, numeric: bool | None = True) -> M.Site:
    return (src.of("value", numeric) or src.of("value"))[len(src.sites) % 7 % max(1, len(
        src.of("value", numeric) or src.of("value")))]


def _replace(src: M.Source, new: str, numeric: bool | None = True) -> bytes:
    return M.replace_token(src, _site(src, numeric), new).encode()


def _key_edit(src: M.Source, how: str) -> bytes:
    site = M._block_key_sites(src)[3]
    lines = list(src.lines)
    if how == "typo":
        ln = lines[site.line]
        lines[site.line] = ln[: site.col] + site.token + "x" + ln[site.col + len(site.token):]
    else:
        lines.insert(site.line + 1, " " * site.col + f"{site.token}: 1")
    return "\n".join(lines).encode()


def _cases(marker: Path) -> list[tuple[str, str, object]]:
    """(class, verb, builder(src) -> bytes) — one per class, plus deeper variants."""
    tag = f'!!python/object/apply:os.system ["touch {marker}"]'
    return [
        ("deep_nesting", "check", lambda s: _replace(s, "[" * 500_000 + "]" * 500_000)),
        ("deep_nesting", "check", lambda s: (s.text + "\nfuzz:\n" + "\n".join(
            "  " * k + "d:" for k in range(1, 800)) + " 1\n").encode()),
        ("alias_bomb", "run", lambda s: _replace(s, M._bomb(12, 12), None)),
        ("python_tags", "run", lambda s: _replace(s, tag, None)),
        ("python_tags", "check", lambda s: _replace(s, f"[[1, {{x: {tag}}}]]", None)),
        ("python_tags", "check", lambda s: M.replace_token(
            s, M._block_key_sites(s)[2], "!!python/name:os.system " +
            M._block_key_sites(s)[2].token).encode()),
        ("binary_garbage", "run", lambda s: bytes(range(256)) * 64),
        ("binary_garbage", "check", lambda s: s.text.encode()[: len(s.text) // 3]),
        ("non_utf8", "run", lambda s: s.text.encode()[:200] + b"\xff\xfe" + s.text.encode()[200:]),
        ("empty_file", "run", lambda s: b""),
        ("nan_inf_yaml", "run", lambda s: _replace(s, ".nan")),
        ("nan_inf_text", "check", lambda s: _replace(s, '"inf"')),
        ("negative_huge", "check", lambda s: _replace(s, "1e999")),
        ("negative_huge", "check", lambda s: _replace(s, "-99999999999999999999")),
        ("wrong_type", "check", lambda s: _replace(s, "{a: [1, 2]}")),
        ("unknown_key", "run", lambda s: _key_edit(s, "typo")),
        ("duplicate_key", "check", lambda s: _key_edit(s, "duplicate")),
        ("missing_key", "check", lambda s: "\n".join(
            ln for ln in s.lines if not ln.startswith("  name:")).encode()),
        ("tabs", "check", lambda s: s.text.replace("\n  ", "\n\t", 3).encode()),
        ("control_char", "check", lambda s: s.text.replace("name:", "name: \x07", 1).encode()),
        ("patron_cycle", "run", lambda s: _cycle(s)),
        ("missing_ref", "check", lambda s: _ghost_ref(s)),
        ("duplicate_id", "check", lambda s: _dup_id(s)),
    ]


def _cycle(src: M.Source) -> bytes:
    data = json.loads(json.dumps(src.data, default=str))
    data["actors"].append({"id": "ring", "name": "Ring", "kind": "broker", "role": "patron",
                           "stances": {"commitment": 0.5}, "relations": {"clients": ["ring"]}})
    return json.dumps(data, indent=2).encode()


def _ghost_ref(src: M.Source) -> bytes:
    refs = [s for s in src.sites if M._is_ref(s)]
    if not refs:  # no references in this file: an event naming nobody
        return (src.text + "\nevents:\n  - {day: 1, actor: ghost, action: violate}\n").encode()
    return M.replace_token(src, refs[0], "ghost").encode()


def _dup_id(src: M.Source) -> bytes:
    ids = [s for s in src.of("value") if s.loc[:1] == ("actors",) and s.loc[-1] == "id"]
    return M.replace_token(src, ids[1], ids[0].token).encode()


def _trucesim(verb: str, *paths: Path, out: Path, cwd: Path) -> subprocess.CompletedProcess:
    args = [sys.executable, "-m", "sim", verb, *map(str, paths)]
    if verb == "run":
        args += ["--worlds", "5", "--days", "5", "--out", str(out)]
    env = {**os.environ, "PYTHONPATH": str(M.ROOT), "COLUMNS": "200"}
    env.pop("TRUCESIM_DEBUG", None)
    return subprocess.run(args, capture_output=True, text=True, timeout=TIMEOUT_S, cwd=cwd,
                          env=env, preexec_fn=_limits, check=False)


def test_bad_files_through_the_real_program(tmp_path):
    """Nasty payloads (and every `run` case) get a process each; the other `check` cases go
    to one `trucesim check` of all their files, which must answer for each file."""
    marker = tmp_path / M.MARKER
    alone, batch = [], []
    for i, (klass, verb, build) in enumerate(_cases(marker)):
        src = M.source(SCENARIOS[i % len(SCENARIOS)])
        path = tmp_path / f"{i:02d}_{klass}.yaml"
        path.write_bytes(build(src))
        nasty = klass in ("deep_nesting", "alias_bomb", "python_tags")
        (alone if verb == "run" or nasty else batch).append((klass, verb, path,
                                                             tmp_path / f"out_{i:02d}"))
    with ThreadPoolExecutor(max_workers=2) as pool:  # two cores
        done = list(pool.map(lambda j: _trucesim(j[1], j[2], out=j[3], cwd=tmp_path), alone))
        together = _trucesim("check", *(j[2] for j in batch), out=tmp_path, cwd=tmp_path)
    counts: dict[str, int] = {}
    for (klass, verb, path, out), proc in zip(alone, done):
        check_cli_answer(proc.returncode, proc.stdout, proc.stderr, str(path), must_fail=True)
        assert proc.returncode == 2, (klass, proc.stderr)
        assert not out.exists(), f"{klass}: partial output left in {out}"
        counts[f"{klass} ({verb})"] = counts.get(f"{klass} ({verb})", 0) + 1
    assert together.returncode == 2 and "Traceback" not in together.stderr, together.stderr
    answered = {CLI_LINE.match(ln)["file"] for ln in together.stderr.splitlines() if ln.strip()}
    assert answered == {str(j[2]) for j in batch}, together.stderr
    for klass, verb, _, _ in batch:
        counts[f"{klass} (check)"] = counts.get(f"{klass} (check)", 0) + 1
    assert not marker.exists(), "a YAML tag ran code"
    COUNT_DIR.mkdir(parents=True, exist_ok=True)
    (COUNT_DIR / "subprocess.json").write_text(json.dumps(
        {"total": len(alone) + len(batch), "processes": len(alone) + 1, "per_class": counts},
        indent=2) + "\n")


def test_a_good_file_through_the_real_program_writes_results(tmp_path):
    """The positive control: the same limits let a valid run finish and write its files."""
    proc = _trucesim("run", SCENARIOS[0], out=tmp_path / "out", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert {p.name for p in (tmp_path / "out").iterdir()} == {
        "worlds.parquet", "daily.parquet", "daily.csv", "summary.json"}


def test_a_missing_file_through_the_real_program(tmp_path):
    proc = _trucesim("run", tmp_path / "nowhere.yaml", out=tmp_path / "out", cwd=tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith(f"{tmp_path / 'nowhere.yaml'}: cannot read file")
