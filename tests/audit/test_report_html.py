"""The audit's HTML report: content, escaping, self-containment, empty states, and a real
browser (headless Chromium) loading it without console errors and drawing its charts."""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import stat
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from piiscan.audit.labels import entity_label
from piiscan.audit.report_data import NewFinding
from piiscan.audit.report_html import MAX_ROWS, TREND_RUNS, human_age, render_report, write_report
from tests.audit.report_fixture import build_report_data, empty_report_data

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
HOSTILE_PATHS = [
    "/srv/share/<script>alert('path')</script>.pdf",
    '/srv/share/x" onmouseover="alert(1).docx',
    "/srv/share/<img src=x onerror=alert(2)>.jpg",
]


class Dom(HTMLParser):
    """What a reader sees of the page: tiles, charts, tables, per section."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.tiles: dict[str, str] = {}
        self.section: str | None = None
        self.rows: dict[str, int] = {}
        self.charts: dict[str, list[str]] = {}
        self.text: list[str] = []
        self._tile: str | None = None
        self._in_value = False
        self._in_tbody = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "section":
            self.section = attrs.get("id")
        if "data-tile" in attrs:
            self._tile = attrs["data-tile"]
        if self._tile and tag == "span" and attrs.get("class") == "value":
            self._in_value = True
        if tag == "tbody":
            self._in_tbody = True
        if tag == "tr" and self._in_tbody:
            self.rows[self.section] = self.rows.get(self.section, 0) + 1
        if tag == "svg" and "chart" in (attrs.get("class") or "").split():
            self.charts.setdefault(self.section, []).append(attrs.get("aria-label", ""))

    def handle_endtag(self, tag):
        if tag == "span":
            self._in_value = False
        if tag == "div":
            self._tile = None
        if tag == "tbody":
            self._in_tbody = False

    def handle_data(self, data):
        self.text.append(data)
        if self._in_value and self._tile:
            self.tiles[self._tile] = data.strip()

    def count(self, tag: str) -> int:
        return sum(1 for t, _ in self.tags if t == tag)

    def section_text(self) -> str:
        return " ".join(self.text)


@pytest.fixture(scope="module")
def full_data():
    return build_report_data(extra_paths=HOSTILE_PATHS)


@pytest.fixture(scope="module")
def full_html(full_data):
    return render_report(full_data)


# ---------------------------------------------------------------- content


def test_headline_tiles_show_the_current_run(full_data, full_html):
    dom = Dom(full_html)
    run = full_data.current
    assert dom.tiles == {
        "files": f"{run.files_with_findings:,}",
        "findings": f"{run.findings_total:,}",
        "new": f"{run.new_findings:,}",
        "resolved": f"{run.resolved_findings:,}",
        "id_copies": f"{run.id_copies:,}",
        "breaches": f"{run.breaches:,}",
    }
    assert "+17 since last run" in full_html  # 968 now, 951 a week ago


def test_every_section_has_its_chart_or_table(full_data, full_html):
    dom = Dom(full_html)
    assert dom.charts["trend"] == ["Findings and files with personal data per run",
                                   "New and resolved findings per run"]
    assert dom.charts["types"] == ["Findings by type of personal data"]
    assert dom.charts["retention"] == ["Retention breaches by file age"]
    assert dom.rows["folders"] == len(full_data.top_folders)
    assert dom.rows["id-copies"] == len(full_data.id_copies)
    assert dom.rows["retention"] == len(full_data.breaches)
    assert dom.rows["new"] == len(full_data.new_findings)
    assert dom.rows["errors"] == len(full_data.errors)
    assert dom.rows["trend"] == len(full_data.history)  # 8 runs, all within the recent-runs table


def test_entity_types_are_shown_by_human_label(full_html):
    assert entity_label("IBAN_CODE") == "IBAN"
    assert entity_label("BE_NATIONAL_NUMBER") == "Belgian national number"
    assert entity_label("ACME_CUSTOMER_ID") == "ACME_CUSTOMER_ID"  # a user's own type: raw name
    text = Dom(full_html).section_text()
    assert "Belgian national number" in text and "E-mail address" in text
    assert "BE_NATIONAL_NUMBER" not in text and "IBAN_CODE" not in text


def test_masked_values_are_listed_as_given(full_data, full_html):
    for finding in full_data.new_findings[:20]:
        assert finding.masked in full_html
    assert "BE68 **** **** 7034" in full_html


def test_breaches_are_listed_oldest_first_whatever_the_input_order(full_data):
    shuffled = dataclasses.replace(full_data, breaches=list(reversed(full_data.breaches)))
    html = render_report(shuffled)
    section = html[html.index('id="retention"'):html.index('id="new"')]
    ages = [human_age(b.age_days) for b in sorted(full_data.breaches, key=lambda b: -b.age_days)]
    positions = [section.index(f'<td class="num">{age}</td>') for age in ages[:4]]
    assert positions == sorted(positions)
    assert "11 years 5 months" in section  # the 2013 invoices, 4180 days old
    assert section.count('class="badge">new<') == sum(b.new for b in full_data.breaches)


def test_breach_histogram_counts_files_per_age_bucket(full_data, full_html):
    section = full_html[full_html.index('id="retention"'):full_html.index('id="new"')]
    values = [int(v) for v in re.findall(r'class="bar"[^>]*data-value="(\d+)"', section)]
    # The fixture's ages: 45, 31×3 (hostile) | 212 | — | 790, 980, 1105, 1190, 1210, 1320 | 2150, 2480, 3320 | 4180
    assert values == [4, 1, 0, 6, 3, 1]
    assert sum(values) == len(full_data.breaches)


def test_first_run_is_left_out_of_the_new_and_resolved_chart(full_html):
    section = full_html[full_html.index('id="trend"'):full_html.index('id="types"')]
    changes = section[section.index("New and resolved findings per run"):]
    assert changes.count('class="bar"') == 2 * 7  # runs 2..8, new and resolved each
    assert "The first run is left out" in section


def test_history_without_the_current_run_gives_the_same_report(full_data, full_html):
    # Whether the audit state lists the current run in history or not, the report is one.
    without = dataclasses.replace(full_data, history=full_data.history[:-1])
    assert render_report(without) == full_html


def test_pruned_history_keeps_its_oldest_run_in_the_new_and_resolved_chart(full_data):
    html = render_report(dataclasses.replace(full_data, history=full_data.history[2:]))
    section = html[html.index('id="trend"'):html.index('id="types"')]
    changes = section[section.index("New and resolved findings per run"):]
    assert changes.count('class="bar"') == 2 * 6  # runs 3..8: none of them was the baseline
    assert "The first run is left out" not in section


def test_long_history_shows_the_most_recent_runs():
    data = build_report_data(runs=TREND_RUNS + 10)
    html = render_report(data)
    assert html.count('class="point"') == 2 * TREND_RUNS  # two lines, one point per run shown
    assert "the most recent; older runs are left out" in html


def test_long_lists_are_capped_with_a_note():
    data = build_report_data(new_count=MAX_ROWS + 23)
    dom = Dom(render_report(data))
    assert dom.rows["new"] == MAX_ROWS
    assert "… and 23 more new findings." in dom.section_text()
    small = Dom(render_report(data, max_rows=5))
    assert small.rows["folders"] == 5 and "… and 3 more folders." in small.section_text()


# ---------------------------------------------------------------- safety


def test_hostile_paths_never_appear_unescaped(full_html):
    assert "<script" not in full_html.lower()
    assert "<img" not in full_html.lower()
    assert 'onmouseover="' not in full_html
    assert "&lt;script&gt;alert(&#39;path&#39;)&lt;/script&gt;.pdf" in full_html
    dom = Dom(full_html)
    assert dom.count("script") == 0 and dom.count("img") == 0
    assert all("onmouseover" not in attrs and "onerror" not in attrs for _, attrs in dom.tags)
    # ...and they are still shown, as text, in every table that lists files.
    for section in ("folders", "id-copies", "retention", "new", "errors"):
        assert dom.rows[section] >= 1
    assert HOSTILE_PATHS[0] in dom.section_text()


def test_hostile_names_from_user_rules_and_titles_are_escaped(full_data):
    evil = "<svg onload=alert(3)>"
    data = dataclasses.replace(
        full_data,
        title=f"Audit {evil}",
        by_type={**full_data.by_type, evil: 3},
        new_findings=[NewFinding("/srv/share/a.txt", evil, "**** 12", f"line {evil}", full_data.generated)],
        errors=[("/srv/share/b.pdf", evil)],
    )
    html = render_report(data)
    assert evil not in html
    # Shown as text in the title, the chart by type, the new findings and the errors.
    assert html.count("&lt;svg onload=alert(3)&gt;") >= 5
    assert all("onload" not in attrs for _, attrs in Dom(html).tags)


def test_report_is_self_contained_without_any_url(full_html):
    assert not re.search(r"https?://", full_html)
    assert not re.search(r"""(?:src|href|action|xlink:href)\s*=\s*["']?\s*(?:https?:|//|file:|data:text)""",
                         full_html, re.I)
    for tag in ("<script", "<link", "<iframe", "<object", "<embed", "<img", "<form"):
        assert tag not in full_html.lower()
    assert "@import" not in full_html and "url(" not in full_html
    # Only in-page anchors.
    assert set(re.findall(r'href="([^"]*)"', full_html)) <= {"#trend", "#types", "#folders", "#id-copies",
                                                             "#retention", "#new", "#errors"}


def test_strict_csp_comes_before_anything_it_protects(full_html):
    head = full_html[:full_html.index("</head>")]
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', head)
    assert csp and csp.group(1).replace("&#39;", "'") == CSP
    assert csp.start() < head.index("<title>") < head.index("<style>")
    assert "@media print" in head


# ---------------------------------------------------------------- empty states


def test_a_first_run_that_found_nothing_renders_friendly_empty_states():
    html = render_report(empty_report_data())
    dom = Dom(html)
    text = dom.section_text()
    assert set(dom.tiles.values()) == {"0"}
    assert "This is the first run, so there is no trend yet" in text
    assert "No personal data found." in text
    assert "No folder holds personal data." in text
    assert "No copies of ID documents found." in text
    assert "No file is kept longer than its retention rule allows." in text
    assert "Nothing found in this first run." in text
    assert "No errors: every file could be read." in text
    assert dom.charts == {} and dom.rows == {}


def test_empty_history_still_renders_the_current_run():
    data = dataclasses.replace(empty_report_data(), history=[])
    dom = Dom(render_report(data))
    assert dom.tiles["findings"] == "0"
    assert "there is no trend yet" in dom.section_text()


# ---------------------------------------------------------------- the file


def test_write_report_is_private_atomic_and_replaces_an_old_report(tmp_path, full_data):
    target = tmp_path / "reports" / "audit.html"
    target.parent.mkdir(mode=0o755)
    target.write_text("old report")
    target.chmod(0o644)
    written = write_report(full_data, target)
    assert written == target
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text(encoding="utf-8") == render_report(full_data)
    assert [p.name for p in target.parent.iterdir()] == ["audit.html"]  # no temp file left


def test_write_report_creates_a_private_folder(tmp_path):
    target = tmp_path / "new" / "deeper" / "audit.html"
    write_report(empty_report_data(), target)
    assert stat.S_IMODE(target.parent.stat().st_mode) & 0o077 == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


# ---------------------------------------------------------------- in a real browser


def chromium_binary() -> str | None:
    override = os.environ.get("PIISCAN_CHROMIUM")
    if override:
        return override
    for candidate in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(candidate)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


needs_chromium = pytest.mark.skipif(
    chromium_binary() is None,
    reason="headless Chromium not installed: apt-get install chromium (or set PIISCAN_CHROMIUM)",
)


def artifacts_dir(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("PIISCAN_TEST_ARTIFACTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def run_chromium(page: Path, profile: Path, *extra: str) -> subprocess.CompletedProcess:
    """Open a local page headless; the resolver is cut off so nothing can leave the machine."""
    command = [
        chromium_binary(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        f"--user-data-dir={profile}", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-default-apps", "--host-resolver-rules=MAP * ~NOTFOUND",
        "--enable-logging=stderr", "--v=0", *extra, page.as_uri(),
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)


def page_problems(stderr: str) -> list[str]:
    """Console output of the page: any message at all (the page has no script) is a problem,
    and so is a blocked load or an uncaught error."""
    return [line for line in stderr.splitlines()
            if ":CONSOLE" in line or "Uncaught" in line or "Refused to" in line
            or "Content Security Policy" in line]


@needs_chromium
def test_console_check_catches_a_csp_violation(tmp_path):
    # The check below must be able to fail: a page breaking the same CSP is caught.
    bad = tmp_path / "bad.html"
    bad.write_text(f'<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="{CSP}">'
                   '</head><body><script>console.log(1)</script></body></html>')
    result = run_chromium(bad, tmp_path / "profile", "--dump-dom")
    assert any("Content Security Policy" in line for line in page_problems(result.stderr))


@needs_chromium
def test_report_loads_in_chromium_without_errors_and_draws_its_charts(tmp_path, full_data):
    page = write_report(full_data, tmp_path / "audit.html")
    result = run_chromium(page, tmp_path / "profile", "--dump-dom")
    assert page_problems(result.stderr) == []
    dom = Dom(result.stdout)
    assert dom.count("svg") >= 4 + len(full_data.top_folders)  # 4 charts + a mini bar per folder
    assert sum(len(v) for v in dom.charts.values()) == 4
    assert dom.count("rect") > 50 and dom.count("polyline") == 2
    assert dom.tiles["findings"] == "968" and dom.tiles["breaches"] == f"{full_data.current.breaches}"
    assert dom.count("script") == 0
    assert HOSTILE_PATHS[0] in dom.section_text()  # shown as text, not run


@needs_chromium
def test_report_screenshot_shows_tiles_and_charts(tmp_path, full_data):
    from PIL import Image

    page = write_report(full_data, tmp_path / "audit.html")
    shot = artifacts_dir(tmp_path) / "audit-report.png"
    run_chromium(page, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1280,2000",
                 "--hide-scrollbars")
    image = Image.open(shot).convert("RGB")
    assert image.size == (1280, 2000)
    colours = image.getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 50  # not one flat colour
    # The chart blue (#0072B2) covers a real area: the trend line and the bars by type.
    blue = sum(n for n, (r, g, b) in colours if abs(r - 0) < 12 and abs(g - 114) < 12 and abs(b - 178) < 12)
    assert blue > 5000


@needs_chromium
def test_empty_report_loads_in_chromium_without_errors(tmp_path):
    page = write_report(empty_report_data(), tmp_path / "empty.html")
    result = run_chromium(page, tmp_path / "profile", "--dump-dom")
    assert page_problems(result.stderr) == []
    assert "No copies of ID documents found." in Dom(result.stdout).section_text()
