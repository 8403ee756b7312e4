"""docs/calibration.md quotes the shipped posterior as it is: its provenance, the record's
targets and which parameters the record constrains are rewritten by `make posterior`
(tests/docs_calibration.py) and checked here against the posterior file itself."""

from __future__ import annotations

import re
from pathlib import Path

from tests import docs_calibration

ROOT = Path(__file__).resolve().parents[1]


def test_the_page_quotes_the_shipped_posterior():
    block = docs_calibration.current()
    assert block, "docs/calibration.md has no calibration figures block"
    assert "\n".join(docs_calibration.shipped_part()) in block, \
        "docs/calibration.md quotes another posterior: run `make posterior`"


def test_the_page_gives_the_command_that_made_it():
    cmd = re.search(r"^POSTERIOR_CMD := (.+)$", (ROOT / "Makefile").read_text(), re.M).group(1)
    page = (ROOT / "docs" / "calibration.md").read_text()
    assert f"\ntrucesim {cmd}\n" in page  # the code block under "How the shipped posterior ..."
    assert f"Command: `trucesim {cmd}`." in docs_calibration.current()  # its own metadata
