"""The command line and the endpoint write the same answer in the same bytes: one results layer.

Before the redesign they disagreed (ASK as CSV was ``true`` from the CLI and ``_askResult,true`` from
the endpoint; TSV numbers were short forms in one and typed literals in the other).
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request

import pytest


ASK = "ASK { <https://w3id.org/axialkg/ruxolitinib> ?p ?o }"
SELECT = ("SELECT ?d ?label ?n WHERE { VALUES ?d { <https://w3id.org/axialkg/ruxolitinib> } "
          "?d <http://www.w3.org/2000/01/rdf-schema#label> ?label . BIND(3 AS ?n) BIND(2.50 AS ?x) }")
MEDIA = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
         "csv": "text/csv", "tsv": "text/tab-separated-values"}


def fetch(endpoint: str, query: str, fmt: str) -> bytes:
    req = urllib.request.Request(endpoint + "?query=" + urllib.parse.quote(query), headers={"Accept": MEDIA[fmt]})
    with urllib.request.urlopen(req, timeout=30) as r:
        assert r.headers["Content-Type"].split(";")[0] == MEDIA[fmt]
        return r.read()


@pytest.mark.parametrize("query", [ASK, SELECT], ids=["ask", "select"])
@pytest.mark.parametrize("fmt", ["csv", "tsv", "xml"])
def test_cli_and_endpoint_write_the_same_bytes(run, endpoint, query, fmt):
    code, out, err = run("sparql", query, "--format", fmt)
    assert code == 0, err
    assert out.encode("utf-8") == fetch(endpoint, query, fmt)


@pytest.mark.parametrize("query", [ASK, SELECT], ids=["ask", "select"])
def test_cli_and_endpoint_write_the_same_json(run, endpoint, query):
    code, out, err = run("sparql", query, "--format", "json")
    assert code == 0, err
    assert json.loads(out) == json.loads(fetch(endpoint, query, "json"))


def test_ask_csv_is_the_bare_boolean(run):
    assert run("sparql", ASK, "--format", "csv")[1] == "true\r\n"
    assert run("sparql", ASK, "--format", "tsv")[1] == "true\n"
