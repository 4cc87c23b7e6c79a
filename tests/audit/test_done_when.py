"""Issue 7, "Done when", end to end through the real command on a copy of sample_data/:
two consecutive audits, with one file changed and one added in between, report exactly the
new findings; the second run re-reads only those two files; retention breaches are listed;
`piiscan find` returns every file (and container member) holding a given IBAN or e-mail.
(The report's rendering in Chromium is tested by test_report_html.py.)"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from click.testing import CliRunner

from piiscan.audit.subject import canonical
from tests.audit.test_report_html import Dom, artifacts_dir, needs_chromium, page_problems, run_chromium
from piiscan.cli import main
from piiscan.privacy import keyed_hash, load_or_create_key
from tests.fixtures.id_documents import make_document

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"
DAY = 86_400
NEW_EMAIL = "debiteuren@zonnewende.be"
OLD_EMAIL = "facturatie@zonnewende.be"
CHANGED = "nl/factuur_2024_017.txt"
ADDED = "hr/kopie_id_sollicitant.png"
AGED = "hr/personeel_export.csv"


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


EXPECTED = _jsonl(SAMPLE / "expected_findings.jsonl")


def _paths_by_value(entity_type: str) -> dict[str, set[str]]:
    paths: dict[str, set[str]] = defaultdict(set)
    for e in EXPECTED:
        if e["entity_type"] == entity_type:
            paths[canonical(entity_type, e["value"])].add(e["path"])
    return paths


def _most_spread(entity_type: str) -> tuple[str, set[str]]:
    """The value found in the most places, of those with a container member among them."""
    candidates = [(v, p) for v, p in _paths_by_value(entity_type).items() if any("!/" in x for x in p)]
    return max(candidates, key=lambda vp: (len(vp[1]), vp[0]))


FIND_IBAN, FIND_IBAN_PATHS = _most_spread("IBAN_CODE")
FIND_EMAIL, FIND_EMAIL_PATHS = _most_spread("EMAIL_ADDRESS")
# An IBAN the changed file does not hold yet: the change adds it.
ADDED_IBAN, ADDED_IBAN_PATHS = next(
    (v, p) for v, p in sorted(_paths_by_value("IBAN_CODE").items()) if CHANGED not in p and len(p) >= 2
)


def _age(path: Path, days: float) -> None:
    t = time.time() - days * DAY
    os.utime(path, (t, t))


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    base = tmp_path_factory.mktemp("done_when")
    share = base / "share"
    shutil.copytree(SAMPLE, share)
    for path in share.rglob("*"):
        if path.is_file():
            _age(path, 1)  # whatever the checkout's times, the copy is a day old...
    _age(share / AGED, 8 * 365 + 30)  # ...but for one export kept past the 7-year rule
    env = {"PIISCAN_KEY_FILE": str(base / "hash.key")}
    db = base / "state" / "audit.db"

    def audit(run: int, *extra):
        out = base / f"run{run}.jsonl"
        result = CliRunner().invoke(
            main,
            ["audit", str(share), "--db", str(db), "--format", "jsonl", "-o", str(out), "--workers", "2", "--no-progress", *map(str, extra)],
            env=env,
        )
        return result, _jsonl(out) if out.exists() else []

    first = audit(1)

    changed = share / CHANGED
    text = changed.read_text(encoding="utf-8").replace(OLD_EMAIL, NEW_EMAIL)
    changed.write_text(text + f"Nieuw rekeningnummer vanaf 1 mei: {ADDED_IBAN}\n", encoding="utf-8")
    make_document("be_eid", seed=3, side="back").image.save(share / ADDED)
    _age(share / ADDED, 45)  # an applicant's ID copy, scanned six weeks ago and forgotten
    second = audit(2, "--report", base / "report.html")
    third = audit(3)
    key = load_or_create_key(base / "hash.key")  # the key the audits created
    return {"share": share, "db": db, "env": env, "key": key, "base": base, "runs": [first, second, third]}


def _rel(world, path: str) -> str:
    return path.removeprefix(str(world["share"]) + "/")


def _records(world, run: int, kind: str) -> list[dict]:
    return [r for r in world["runs"][run - 1][1] if r["record"] == kind]


def test_first_run_holds_every_expected_finding_and_exits_1(world):
    result, _ = world["runs"][0]
    assert result.exit_code == 1, result.output
    got = Counter((_rel(world, r["path"]), r["entity_type"]) for r in _records(world, 1, "finding"))
    expected = Counter((e["path"], e["entity_type"]) for e in EXPECTED)
    assert got == expected
    assert all(r["new"] for r in _records(world, 1, "finding"))


def test_second_run_rereads_only_the_changed_and_the_added_file(world):
    [run] = _records(world, 2, "run")
    assert run["files_read"] == 2 and run["files_unchanged"] == run["files_total"] - 2
    read = {_rel(world, r["path"]) for r in _records(world, 2, "file") if r["read"]}
    assert read == {CHANGED, ADDED}


def test_second_run_reports_exactly_the_new_findings(world):
    result, _ = world["runs"][1]
    assert result.exit_code == 1, result.output
    key = world["key"]
    new = Counter((_rel(world, r["path"]), r["entity_type"], r["hash"]) for r in _records(world, 2, "finding") if r["new"])
    added_file = Counter((_rel(world, r["path"]), r["entity_type"], r["hash"]) for r in _records(world, 2, "finding") if _rel(world, r["path"]) == ADDED)
    assert {t for (_, t, _) in added_file} >= {"ID_DOCUMENT", "MRZ"}
    expected = added_file + Counter({
        (CHANGED, "EMAIL_ADDRESS", keyed_hash(key, "EMAIL_ADDRESS", NEW_EMAIL)): 1,
        (CHANGED, "IBAN_CODE", keyed_hash(key, "IBAN_CODE", ADDED_IBAN)): 1,
    })
    assert new == expected
    [run] = _records(world, 2, "run")
    assert run["new_findings"] == sum(expected.values()) and run["resolved_findings"] == 1  # the old address
    assert run["id_copies"] == 1
    assert f"new (since run 1): {sum(expected.values())} findings" in result.output


def test_retention_breaches_are_listed_with_age_and_rule(world):
    breaches = {_rel(world, b["path"]): b for b in _records(world, 2, "breach")}
    assert set(breaches) == {AGED, ADDED}
    assert (breaches[AGED]["rule"], breaches[AGED]["new"]) == ("Payroll and personnel records", False)
    assert breaches[AGED]["age_days"] == 8 * 365 + 30 and breaches[AGED]["max_age_days"] == 7 * 365
    # The ID copy lies in hr/ too, but the stricter ID-copy rule governs it.
    assert (breaches[ADDED]["rule"], breaches[ADDED]["new"], breaches[ADDED]["age_days"]) == ("ID document copies", True, 45)
    assert "ID_DOCUMENT" in breaches[ADDED]["types"]
    assert "retention: 2 breaches (1 new)" in world["runs"][1][0].output


def test_a_third_run_without_changes_reads_nothing_and_exits_0(world):
    result, _ = world["runs"][2]
    assert result.exit_code == 0, result.output
    [run] = _records(world, 3, "run")
    assert (run["files_read"], run["new_findings"], run["new_breaches"]) == (0, 0, 0)
    assert run["findings_total"] == _records(world, 2, "run")[0]["findings_total"]


def _find(world, *args) -> set[str]:
    result = CliRunner().invoke(main, ["find", "--db", str(world["db"]), "--format", "jsonl", *args], env=world["env"])
    assert result.exit_code == 1, result.output
    return {_rel(world, json.loads(line)["path"]) for line in result.stdout.splitlines()}


def test_find_returns_every_file_holding_an_iban(world):
    assert _find(world, "--iban", FIND_IBAN.lower()) == FIND_IBAN_PATHS
    assert _find(world, "--iban", ADDED_IBAN) == ADDED_IBAN_PATHS | {CHANGED}


def test_find_returns_every_file_holding_an_email(world):
    assert _find(world, "--email", FIND_EMAIL.upper()) == FIND_EMAIL_PATHS
    assert _find(world, "--email", NEW_EMAIL) == {CHANGED}


def test_the_report_is_written_with_the_news_masked(world):
    html = (world["base"] / "report.html").read_text(encoding="utf-8")
    assert "<svg" in html and "d***@z***.be" in html and "kopie_id_sollicitant.png" in html
    assert NEW_EMAIL not in html and FIND_IBAN not in html


def test_report_data_from_the_state_after_the_last_run(world):
    import sqlite3
    from contextlib import closing

    from piiscan.audit.report_build import build_report_data

    with closing(sqlite3.connect(world["db"])) as conn:
        conn.row_factory = sqlite3.Row
        data = build_report_data(conn, 3)
        with pytest.raises(ValueError, match="latest run"):
            build_report_data(conn, 2)  # the state is "now": an older run's view is gone
    assert [r.run_id for r in data.history] == [1, 2, 3]
    assert [(r.files_scanned, r.new_findings) for r in data.history][1:] == [(2, data.history[1].new_findings), (0, 0)]
    assert data.new_findings == []  # nothing new since run 2
    [copy] = data.id_copies
    assert (_rel(world, copy.path), copy.kind, copy.age_days) == (ADDED, "BE eID", 45)
    assert [(_rel(world, b.path), b.rule, b.new) for b in data.breaches] == [  # oldest first
        (AGED, "Payroll and personnel records", False), (ADDED, "ID document copies", False),
    ]
    assert data.by_type == Counter(r["entity_type"] for r in _records(world, 3, "finding"))
    assert {(_rel(world, p), kind) for p, kind in data.errors} == {
        (e["path"], e["kind"]) for e in _jsonl(SAMPLE / "expected_errors.jsonl")
    }


@needs_chromium
def test_the_sample_data_report_renders_in_chromium_with_its_charts(world, tmp_path):
    """The report of the second audit, as written by the command, in a real browser."""
    page = world["base"] / "report.html"
    result = run_chromium(page, tmp_path / "profile", "--dump-dom")
    assert page_problems(result.stderr) == []
    dom = Dom(result.stdout)
    assert sum(len(v) for v in dom.charts.values()) == 4  # trend, new/resolved, by type, breaches by age
    assert dom.count("script") == 0 and dom.count("rect") > 20
    shot = artifacts_dir(tmp_path) / "sample-data-audit-report.png"
    run_chromium(page, tmp_path / "profile-shot", f"--screenshot={shot}", "--window-size=1280,2400", "--hide-scrollbars")
    assert shot.stat().st_size > 20_000
