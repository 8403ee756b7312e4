"""`trucesim new-case`: build a real case's scenario and targets from its features (codebook).

docs/codebook.md describes the features and the rules that map them to parameters.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sim.cli.common import check_out_dir, fail, out
from sim.codebook import load_features
from sim.codebook_build import build_scenario, build_targets, record_skeleton, to_yaml
from sim.scenario import ScenarioError, validate

SCENARIO_HEADER = """{name}.
Built from the case's features by the codebook (docs/codebook.md):
    trucesim new-case {features} --out <folder>
Do not edit the numbers here: change a feature and rebuild. Every number names its source in
`sources:` -- the feature it comes from, cited to the dated record
{record}, and the rule that turned it into a number; or the parameters shared
by all cases (an assumption until joint calibration)."""

TARGETS_HEADER = """What the dated record says happened: {name}.
For scoring predictions of this case. Built from the features' outcome and record events:
    trucesim new-case {features} --out <folder>
held_at_day: whether the truce still held on that day (null: the record cannot say, as after
an agreed expiry or beyond the record's last day)."""


def case_files(features: Path, out_dir: Path) -> dict[Path, str]:
    """The files a features file builds, by path (the record skeleton only if it is missing).

    Raises:
        ScenarioError: for bad features, located by file, line and field.
    """
    from sim.priors import check_priors  # noqa: PLC0415  lazy: scipy

    f = load_features(features)
    scenario = build_scenario(f)
    built = f"<built from {features}>"  # a rule that builds a bad scenario is a bug
    check_priors(validate(scenario, built), built)
    fmt = {"name": f.case.name, "features": features.as_posix(), "record": f.case.record}
    files = {out_dir / f"{f.case.id}.yaml": to_yaml(scenario, SCENARIO_HEADER.format(**fmt)),
             out_dir / "targets" / f"{f.case.id}.yaml": to_yaml(build_targets(f),
                                                                TARGETS_HEADER.format(**fmt))}
    if not Path(f.case.record).exists():
        files[out_dir / f"{f.case.id}.record.md"] = record_skeleton(f)
    return files


def new_case(
    features: Annotated[Path, typer.Argument(help="Features file of the case (YAML).")],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the scenario (created if "
                                          "missing); targets go to its targets/ subfolder.")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite files that exist.")] = False,
):
    """Build a real case's scenario and record targets from its features (the codebook).

    The features say what the record shows (design class, monitoring mission and mandate,
    guarantors and whether they fight, patrons, excluded armed groups and their ties, talks,
    outside offensives, dated events, outcome); fixed rules turn them into parameters, with
    hidden types, brokers who decide and a battlefield switched on (docs/codebook.md). Writes
    OUT/ID.yaml, OUT/targets/ID.yaml and, when the record named in the features does not
    exist yet, OUT/ID.record.md to start it (ID: the case id). Bad features end with exit
    code 2 and one located message per problem.

    Examples:

        trucesim new-case scenarios/cases/features/yemen_2022.yaml --out out/yemen

        trucesim new-case scenarios/cases/features/minsk_2015.yaml --out out/minsk && trucesim check out/minsk/*.yaml
    """  # noqa: E501  (the help's example, one command line)
    try:
        files = case_files(features, out_dir)
    except ScenarioError as exc:
        fail([str(p) for p in exc.problems])
    existing = [str(p) for p in files if p.exists()]
    if existing and not force:
        fail([f"{p}: exists; expected a new file (use --force to overwrite)" for p in existing])
    check_out_dir(out_dir)
    for path, text in files.items():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        except OSError as exc:
            fail([f"{path}: cannot write: {exc.strerror or exc}"])
        out.print(f"wrote {path}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add `new-case` to the main app."""
    app.command("new-case")(new_case)
