"""Lines of issue #19 checked as a user meets them (docs/interop-checklist.md) that no other test file
covers: progress drawn on a real terminal that reports no size, its clock moving through a long stage,
and ``serve --reasoned`` answering over the OWL 2 RL closure as the CLI's ``--reasoned`` does."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import urllib.parse
import urllib.request

import pytest

BAR = """
from axialkg.progress import steps
with steps("export", ["open the store", "write turtle"]) as step:
    step("open the store"); step("write turtle")
"""


def _on_a_pty(code: str, env: dict) -> bytes:
    """What a child writes to a pseudo-terminal whose window size was never set (0 rows, 0 columns)."""
    pty = pytest.importorskip("pty")
    master, slave = pty.openpty()
    child = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, env=env)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the child closed its side
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    assert child.wait(timeout=60) == 0, out
    return out


def test_progress_is_drawn_on_a_terminal_that_reports_no_size():
    """tqdm hides every bar on a screen it reads as 0 rows high: the bar is given a height."""
    env = {k: v for k, v in os.environ.items() if k not in ("AXIALKG_QUIET", "COLUMNS", "LINES")}
    out = _on_a_pty(BAR, env).decode("utf-8", "replace")
    assert "export: 1/2, write turtle" in out, out
    assert out.endswith("\r")  # the bar is wiped when the work ends: the terminal is left clean
    quiet = _on_a_pty(BAR, dict(env, AXIALKG_QUIET="1"))
    assert quiet == b""


def test_a_long_stage_shows_its_clock_moving():
    """``build --check`` sat two minutes on one stage with its clock at the stage's start: the elapsed
    time is redrawn while a stage runs, not only when the next one starts."""
    env = {k: v for k, v in os.environ.items() if k != "AXIALKG_QUIET"}
    code = ("import time\nfrom axialkg.progress import steps\n"
            "with steps('build', ['slow', 'fast']) as step:\n    step('slow'); time.sleep(2.5); step('fast')\n")
    out = _on_a_pty(code, env).decode("utf-8", "replace")
    assert re.search(r"build: 0/2, slow \[00:0[1-9]\]", out), out  # redrawn inside the stage, before 1/2


def test_serve_reasoned_answers_over_the_closure():
    """``serve --reasoned``: a drug is a member of Drug through its subclass (no entity is typed Drug
    directly), and ``treatedBy`` comes back as the inverse of ``treats``."""
    from axialkg.server import ServerConfig, make_server

    srv = make_server(ServerConfig(port=0, quiet=True, workers=1, timeout=60, reasoned=True))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        def ask(query: str) -> list[dict]:
            request = urllib.request.Request(srv.base_url + "/sparql?query=" + urllib.parse.quote(query),
                                             headers={"Accept": "application/sparql-results+json"})
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.load(response)["results"]["bindings"]

        drugs = ask("SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a axkg:Drug }")  # no PREFIX line needed
        assert drugs[0]["n"]["value"] == "14"
        treated = {b["x"]["value"] for b in ask("SELECT ?x WHERE { axkg:myelofibrosis axkg:treatedBy ?x }")}
        assert "https://w3id.org/axialkg/ruxolitinib" in treated
    finally:
        srv.shutdown()
        srv.server_close()


def test_without_reasoning_nothing_is_typed_drug_directly(kg):
    """The other side of the test above: the 14 come from the closure, not from the release."""
    assert kg.sparql("ASK { ?d a axkg:Drug }").boolean is False
    assert kg.sparql("ASK { ?c axkg:treatedBy ?x }").boolean is False
