"""The audit report: one self-contained HTML file built from ReportData.

Self-contained because it is mailed to people and opened offline: no script, font, image
or URL of any kind, and a Content-Security-Policy that would block one if it slipped in.
Charts are inline SVG from charts.py. The template escapes everything (paths are user
data and may hold markup); only the SVG we generate ourselves is inserted as markup.

This module turns ReportData into what the template shows (tiles, chart SVGs, capped and
sorted rows, human dates and ages); the template only lays it out.
"""

from __future__ import annotations

import functools
import os
import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import jinja2
from markupsafe import Markup

from piiscan.audit import charts
from piiscan.audit.labels import entity_label
from piiscan.audit.report_data import Breach, ReportData, RunSummary

# Long lists are cut here: the report must stay small enough to mail and open quickly.
# The cut is always announced ("and N more"); the full lists live in the audit state.
MAX_ROWS = 500
# The trend shows the most recent runs; a year of daily runs would make bars too thin.
TREND_RUNS = 60
HISTORY_TABLE_RUNS = 10

TEMPLATE_NAME = "report.html.j2"

# Age of a file breaching retention, in days: histogram buckets from young to old.
AGE_BUCKETS: tuple[tuple[int, float, str], ...] = (
    (0, 90, "< 3 months"),
    (90, 365, "3–12 months"),
    (365, 730, "1–2 years"),
    (730, 1825, "2–5 years"),
    (1825, 3650, "5–10 years"),
    (3650, float("inf"), "10+ years"),
)


@dataclass(frozen=True)
class Tile:
    """One headline number at the top of the report."""

    key: str
    label: str
    value: int
    note: str = ""
    tone: str = "neutral"  # neutral, good, warn, alert: colours the tile


@dataclass(frozen=True)
class Capped:
    """The first rows of a long list, and how many were left out."""

    rows: list
    more: int

    @classmethod
    def of(cls, rows: list, limit: int) -> "Capped":
        return cls(rows[:limit], max(0, len(rows) - limit))


# ---------------------------------------------------------------- formatting helpers


def parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.astimezone(timezone.utc) if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def format_time(value: str | None) -> str:
    """'2025-03-12T14:03:09+00:00' -> '2025-03-12 14:03 UTC': unambiguous in every country."""
    moment = parse_time(value)
    if moment is None:
        return value or "—"
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def format_date(value: str | None) -> str:
    moment = parse_time(value)
    return moment.strftime("%Y-%m-%d") if moment else (value or "—")


def human_age(days: int) -> str:
    """Days as a person says them: '12 days', '5 months', '3 years 2 months'."""
    days = max(0, int(days))
    if days < 60:
        return f"{days} day" + ("" if days == 1 else "s")
    if days < 365:
        return f"{days // 30} months"
    years, rest = divmod(days, 365)
    months = rest // 30
    text = f"{years} year" + ("" if years == 1 else "s")
    if months:
        text += f" {months} month" + ("" if months == 1 else "s")
    return text


def human_duration(started: str | None, finished: str | None) -> str:
    start, end = parse_time(started), parse_time(finished)
    if not start or not end:
        return ""
    seconds = int((end - start).total_seconds())
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


def run_labels(runs: list[RunSummary]) -> list[str]:
    """Short x-axis labels: the date, with the time only when two runs share a day."""
    dates = [parse_time(r.started) for r in runs]
    short = [d.strftime("%d %b") if d else f"#{r.run_id}" for d, r in zip(dates, runs)]
    if len(set(short)) == len(short):
        return short
    return [d.strftime("%d %b %H:%M") if d else f"#{r.run_id}" for d, r in zip(dates, runs)]


def types_text(counts: dict[str, int], limit: int = 3) -> str:
    """'IBAN (12), E-mail address (5), +2 more' for a table cell."""
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    text = ", ".join(f"{entity_label(t)} ({n:,})" for t, n in ordered[:limit])
    if len(ordered) > limit:
        text += f", +{len(ordered) - limit} more"
    return text


# ---------------------------------------------------------------- view model


def all_runs(data: ReportData) -> list[RunSummary]:
    """History oldest first with the current run last, whether or not history holds it."""
    return [r for r in data.history if r.run_id != data.current.run_id] + [data.current]


def headline_tiles(data: ReportData) -> list[Tile]:
    run = data.current
    runs = all_runs(data)
    previous = runs[-2] if len(runs) >= 2 else None
    change = ""
    if previous is not None:
        delta = run.findings_total - previous.findings_total
        change = f"{'+' if delta > 0 else '−' if delta < 0 else '±'}{abs(delta):,} since last run"
    return [
        Tile("files", "Files with personal data", run.files_with_findings,
             f"of {run.files_total:,} files", "warn" if run.files_with_findings else "good"),
        Tile("findings", "Findings", run.findings_total, change),
        Tile("new", "New since last run", run.new_findings, "", "warn" if run.new_findings else "good"),
        Tile("resolved", "Resolved", run.resolved_findings, "gone since last run",
             "good" if run.resolved_findings else "neutral"),
        Tile("id_copies", "ID copies", run.id_copies, "passports, ID cards",
             "alert" if run.id_copies else "good"),
        Tile("breaches", "Retention breaches", run.breaches, "files kept too long",
             "alert" if run.breaches else "good"),
    ]


def breach_age_histogram(breaches: list[Breach]) -> list[tuple[str, int]]:
    counts = [0] * len(AGE_BUCKETS)
    for breach in breaches:
        for i, (low, high, _) in enumerate(AGE_BUCKETS):
            if low <= breach.age_days < high:
                counts[i] += 1
                break
    return [(label, count) for (_, _, label), count in zip(AGE_BUCKETS, counts)]


def trend_charts(runs: list[RunSummary], includes_baseline: bool) -> tuple[Markup, Markup]:
    """Findings per run (line) and new/resolved per run (columns).

    The very first run finds everything "new"; as a column it would dwarf every later
    run, so the new/resolved chart starts at the second run when the first is shown.
    """
    labels = run_labels(runs)
    findings = charts.line_chart(
        labels,
        [
            charts.Series("Findings", [r.findings_total for r in runs], charts.BLUE),
            charts.Series("Files with personal data", [r.files_with_findings for r in runs], charts.SKY),
        ],
        title="Findings and files with personal data per run",
        x_label="Run (start date)",
        y_label="Count",
    )
    change_runs, change_labels = (runs[1:], labels[1:]) if includes_baseline else (runs, labels)
    changes = charts.column_chart(
        change_labels,
        [
            charts.Series("New", [r.new_findings for r in change_runs], charts.ORANGE),
            charts.Series("Resolved", [r.resolved_findings for r in change_runs], charts.GREEN),
        ],
        title="New and resolved findings per run",
        x_label="Run (start date)",
        y_label="Findings",
    )
    return Markup(findings), Markup(changes)


def by_type_chart(by_type: dict[str, int]) -> Markup:
    ordered = sorted(by_type.items(), key=lambda item: (-item[1], item[0]))
    return Markup(charts.horizontal_bar_chart(
        [(entity_label(t), n) for t, n in ordered],
        title="Findings by type of personal data",
        value_label="Findings",
    ))


def folder_rows(data: ReportData, limit: int) -> Capped:
    largest = max((f.findings for f in data.top_folders), default=0)
    rows = [
        {
            "folder": f.folder,
            "files": f.files,
            "findings": f.findings,
            "bar": Markup(charts.mini_bar(f.findings, largest, label=f"{f.findings:,} findings")),
            "types": types_text(f.types),
        }
        for f in data.top_folders
    ]
    return Capped.of(rows, limit)


def breach_chart(breaches: list[Breach]) -> Markup:
    histogram = breach_age_histogram(breaches)
    return Markup(charts.column_chart(
        [label for label, _ in histogram],
        [charts.Series("Files", [count for _, count in histogram], charts.VERMILLION)],
        title="Retention breaches by file age",
        x_label="Age of the file",
        y_label="Files",
    ))


def build_context(data: ReportData, max_rows: int = MAX_ROWS) -> dict:
    every_run = all_runs(data)
    runs = every_run[-TREND_RUNS:]
    has_trend = len(runs) >= 2
    # The baseline: the very first run, where everything found was new (history may be pruned).
    first = runs[0]
    includes_baseline = (first is every_run[0] and first.resolved_findings == 0
                         and first.new_findings == first.findings_total)
    findings_chart, changes_chart = trend_charts(runs, includes_baseline) if has_trend else (None, None)
    breaches = sorted(data.breaches, key=lambda b: -b.age_days)  # oldest first, whatever the caller did
    id_copies = sorted(data.id_copies, key=lambda c: -c.age_days)
    error_kinds = Counter(kind for _, kind in data.errors)
    return {
        "data": data,
        "run": data.current,
        "generated": format_time(data.generated),
        "duration": human_duration(data.current.started, data.current.finished),
        "tiles": headline_tiles(data),
        "first_run": len(every_run) == 1,
        "has_trend": has_trend,
        "trend_cut": len(every_run) > len(runs),
        "trend_runs": len(runs),
        "includes_baseline": includes_baseline,
        "findings_chart": findings_chart,
        "changes_chart": changes_chart,
        "recent_runs": list(reversed(every_run[-HISTORY_TABLE_RUNS:])),
        "by_type_chart": by_type_chart(data.by_type) if data.by_type else None,
        "type_count": len(data.by_type),
        "folders": folder_rows(data, max_rows),
        "id_copies": Capped.of(id_copies, max_rows),
        "breach_chart": breach_chart(breaches) if breaches else None,
        "breaches": Capped.of(breaches, max_rows),
        "new_findings": Capped.of(list(data.new_findings), max_rows),
        "errors": Capped.of(list(data.errors), max_rows),
        "error_kinds": error_kinds.most_common(),
    }


# ---------------------------------------------------------------- rendering


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True,  # always, whatever the template's name: paths are user data
        undefined=jinja2.StrictUndefined,  # a typo in the template fails the tests, not silently
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["label"] = entity_label
    env.filters["num"] = lambda n: f"{int(n):,}"
    env.filters["age"] = human_age
    env.filters["time"] = format_time
    env.filters["date"] = format_date
    return env


def render_report(data: ReportData, max_rows: int = MAX_ROWS) -> str:
    """The report as one HTML document (str)."""
    template = _environment().get_template(TEMPLATE_NAME)
    return template.render(**build_context(data, max_rows))


def write_report(data: ReportData, path: str | os.PathLike, max_rows: int = MAX_ROWS) -> Path:
    """Write the report privately (0600) and atomically: a reader never sees half a file."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    html = render_report(data, max_rows).encode("utf-8")
    temp = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(html)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return target
