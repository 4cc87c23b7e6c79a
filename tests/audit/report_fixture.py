"""Realistic ReportData for tests of the audit report (and of whatever fills it).

A small Belgian/Dutch office share audited weekly: eight runs of history, a dozen entity
types, HR and accounting folders, scanned ID cards, files past their retention period,
new findings since last week and a few unreadable files. Every value is synthetic
(piiscan.synth, valid checksums) and only ever stored masked (piiscan.privacy.mask),
exactly as the audit state hands it to the report.

The numbers agree with each other the way a real audit's do: the current run is the last
of the history, new - resolved is the change in findings, the per-type counts add up to
the findings total, and the list lengths match the run's counts.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from piiscan import synth
from piiscan.audit.report_data import (
    Breach,
    FolderCount,
    IdCopy,
    NewFinding,
    ReportData,
    RunSummary,
)
from piiscan.privacy import mask

ROOT = "/srv/share"
FIRST_RUN = datetime(2025, 1, 6, 6, 0, tzinfo=timezone.utc)

# Findings present after each weekly run: grows, a clean-up in week 5, grows again.
FINDINGS_PER_RUN = (812, 845, 861, 902, 874, 930, 951, 968)
RESOLVED_PER_RUN = (0, 6, 11, 4, 58, 9, 13, 20)

FOLDERS = (
    ("HR/Personeelsdossiers", 214, 38, {"BE_NATIONAL_NUMBER": 61, "IBAN_CODE": 44, "PERSON": 70,
                                        "DATE_OF_BIRTH": 39}),
    ("Boekhouding/Facturen 2019", 176, 121, {"IBAN_CODE": 88, "VAT_NUMBER": 52, "BE_ENTERPRISE_NUMBER": 36}),
    ("Klantendienst/Mails", 151, 64, {"EMAIL_ADDRESS": 83, "PHONE_NUMBER": 49, "PERSON": 19}),
    ("Sollicitaties/2021", 98, 27, {"PERSON": 31, "EMAIL_ADDRESS": 27, "PHONE_NUMBER": 22,
                                    "POSTAL_ADDRESS": 18}),
    ("Directie/Scans", 61, 12, {"ID_DOCUMENT": 5, "MRZ": 5, "BE_NATIONAL_NUMBER": 9, "PERSON": 42}),
    ("Projecten/Gemeente Gent", 44, 19, {"NL_BSN": 7, "POSTAL_ADDRESS": 21, "PHONE_NUMBER": 16}),
    ("IT/Logs", 37, 6, {"IP_ADDRESS": 37}),
    ("Marketing/Nieuwsbrief", 23, 3, {"EMAIL_ADDRESS": 23}),
)

ID_COPIES = (
    ("Directie/Scans/scan_20190312_eid_voorzijde.jpg", "BE eID", 2150),
    ("Directie/Scans/paspoort_kopie.pdf", "NL passport", 1320),
    ("HR/Personeelsdossiers/2022/Janssens/identiteitskaart.png", "BE eID", 980),
    ("Sollicitaties/2021/kandidaat_14/id-kaart.jpeg", "NL ID card", 1210),
    ("Klantendienst/Mails/export.zip!/bijlagen/ID_klant.jpg", "BE eID", 45),
)

# (path under ROOT, rule, max age, age, types, findings)
BREACHES = (
    ("Boekhouding/Facturen 2019/archief_2013.xlsx", "invoices-7y", 2555, 4180, ["IBAN_CODE", "VAT_NUMBER"], 64),
    ("HR/Personeelsdossiers/uit_dienst/Peeters_2016.docx", "hr-5y-after-leave", 1825, 3320,
     ["BE_NATIONAL_NUMBER", "IBAN_CODE", "DATE_OF_BIRTH"], 9),
    ("Directie/Scans/scan_20190312_eid_voorzijde.jpg", "id-copies-30d", 30, 2150, ["ID_DOCUMENT", "MRZ"], 2),
    ("HR/Personeelsdossiers/uit_dienst/De Smet_2018.pdf", "hr-5y-after-leave", 1825, 2480,
     ["BE_NATIONAL_NUMBER", "PERSON"], 6),
    ("Directie/Scans/paspoort_kopie.pdf", "id-copies-30d", 30, 1320, ["ID_DOCUMENT", "MRZ", "PERSON"], 3),
    ("Sollicitaties/2021/kandidaat_14/id-kaart.jpeg", "id-copies-30d", 30, 1210, ["ID_DOCUMENT"], 1),
    ("Sollicitaties/2021/kandidaat_03/cv_kandidaat.pdf", "applications-1y", 365, 1190,
     ["PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER"], 5),
    ("Sollicitaties/2021/overzicht_kandidaten.xlsx", "applications-1y", 365, 1105,
     ["PERSON", "EMAIL_ADDRESS"], 46),
    ("HR/Personeelsdossiers/2022/Janssens/identiteitskaart.png", "id-copies-30d", 30, 980, ["ID_DOCUMENT"], 1),
    ("Klantendienst/Mails/2023-klachten.mbox", "mail-2y", 730, 790, ["EMAIL_ADDRESS", "PHONE_NUMBER"], 31),
    ("IT/Logs/access-2024-06.log", "logs-90d", 90, 212, ["IP_ADDRESS"], 37),
    ("Klantendienst/Mails/export.zip!/bijlagen/ID_klant.jpg", "id-copies-30d", 30, 45, ["ID_DOCUMENT"], 1),
)

ERRORS = (
    ("Boekhouding/Facturen 2019/beveiligd.pdf", "encrypted"),
    ("Klantendienst/Mails/oud.pst", "unsupported format"),
    ("Directie/Scans/scan_kapot.tif", "corrupt file"),
)

# Where new findings sit: (folder, file name, entity type, location)
_NEW_SOURCES = (
    ("HR/Personeelsdossiers/2025", "contract_{n}.docx", "BE_NATIONAL_NUMBER", "page {p}"),
    ("HR/Personeelsdossiers/2025", "loonfiche_{n}.pdf", "IBAN_CODE", "page {p}"),
    ("Boekhouding/Facturen 2025", "factuur_{n}.pdf", "VAT_NUMBER", "page 1"),
    ("Boekhouding/Facturen 2025", "betalingen_{n}.xlsx", "IBAN_CODE", "sheet Betalingen, C{p}"),
    ("Klantendienst/Mails", "klacht_{n}.eml", "EMAIL_ADDRESS", "header from"),
    ("Klantendienst/Mails", "klacht_{n}.eml", "PHONE_NUMBER", "body, line {p}"),
    ("Projecten/Gemeente Gent", "deelnemers_{n}.csv", "NL_BSN", "line {p}"),
    ("Sollicitaties/2025", "cv_{n}.pdf", "DATE_OF_BIRTH", "page 1"),
    ("Sollicitaties/2025", "cv_{n}.pdf", "PERSON", "page 1"),
    ("IT/Logs", "access-{n}.log", "IP_ADDRESS", "line {p}"),
    ("Boekhouding/Facturen 2025", "kaartbetaling_{n}.txt", "CREDIT_CARD", "line {p}"),
    ("Klantendienst/Mails", "adreswijziging_{n}.eml", "POSTAL_ADDRESS", "body, line {p}"),
)


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def synthetic_value(rng: random.Random, entity_type: str) -> str:
    """A valid synthetic value of the type, to be masked before it goes anywhere."""
    if entity_type == "IBAN_CODE":
        return synth.iban(rng, rng.choice(("BE", "NL")))
    if entity_type == "BE_NATIONAL_NUMBER":
        return synth.be_national_number(rng)
    if entity_type == "NL_BSN":
        return synth.nl_bsn(rng)
    if entity_type == "VAT_NUMBER":
        return synth.be_vat(rng)
    if entity_type == "EMAIL_ADDRESS":
        first, last = synth.person(rng, "nl_BE")
        return synth.email(rng, first, last, locale="nl_BE")
    if entity_type == "PHONE_NUMBER":
        return synth.phone_be(rng)
    if entity_type == "DATE_OF_BIRTH":
        return synth.birth_date(rng).strftime("%d/%m/%Y")
    if entity_type == "PERSON":
        return " ".join(synth.person(rng, "nl_BE"))
    if entity_type == "IP_ADDRESS":
        return synth.ipv4(rng)
    if entity_type == "CREDIT_CARD":
        return synth.credit_card(rng)
    if entity_type == "POSTAL_ADDRESS":
        return ", ".join(synth.address(rng, "nl_BE"))
    raise ValueError(f"no synthetic value for {entity_type}")


def make_runs(count: int = len(FINDINGS_PER_RUN)) -> list[RunSummary]:
    """Weekly runs, oldest first; the counts agree with each other run to run."""
    runs: list[RunSummary] = []
    previous_total = 0
    for i in range(count):
        total = FINDINGS_PER_RUN[i % len(FINDINGS_PER_RUN)] + 60 * (i // len(FINDINGS_PER_RUN))
        resolved = RESOLVED_PER_RUN[i % len(RESOLVED_PER_RUN)] if i else 0
        new = total - previous_total + resolved
        started = FIRST_RUN + timedelta(days=7 * i)
        runs.append(RunSummary(
            run_id=i + 1,
            started=_iso(started),
            finished=_iso(started + timedelta(minutes=3, seconds=20 + 7 * i)),
            files_scanned=4210 if i == 0 else 180 + 13 * i,
            files_total=4210 + 25 * i,
            files_with_findings=300 + total // 4,
            findings_total=total,
            new_findings=new,
            resolved_findings=resolved,
            id_copies=len(ID_COPIES) - (1 if i < count - 1 else 0),
            breaches=len(BREACHES) - (2 if i < count - 1 else 0),
            errors=len(ERRORS) + (i % 2),
        ))
        previous_total = total
    last = runs[-1]
    last.id_copies, last.breaches, last.errors = len(ID_COPIES), len(BREACHES), len(ERRORS)
    return runs


def by_type_for(total: int) -> dict[str, int]:
    """Findings per type that add up to total, shaped like an office share's."""
    weights = {
        "EMAIL_ADDRESS": 22, "PERSON": 20, "IBAN_CODE": 15, "PHONE_NUMBER": 11, "BE_NATIONAL_NUMBER": 8,
        "VAT_NUMBER": 6, "POSTAL_ADDRESS": 5, "IP_ADDRESS": 4, "DATE_OF_BIRTH": 4, "BE_ENTERPRISE_NUMBER": 3,
        "NL_BSN": 1, "MRZ": 0.5, "ID_DOCUMENT": 0.5,
    }
    scale = total / sum(weights.values())
    counts = {t: max(1, int(w * scale)) for t, w in weights.items()}
    counts["EMAIL_ADDRESS"] += total - sum(counts.values())
    return counts


def make_new_findings(count: int, seed: int, generated: datetime) -> list[NewFinding]:
    rng = random.Random(seed)
    found: list[NewFinding] = []
    for i in range(count):
        folder, name, entity_type, where = _NEW_SOURCES[i % len(_NEW_SOURCES)]
        n = 100 + i
        found.append(NewFinding(
            path=f"{ROOT}/{folder}/{name.format(n=n)}",
            entity_type=entity_type,
            masked=mask(entity_type, synthetic_value(rng, entity_type)),
            location=where.format(p=rng.randint(1, 40)),
            first_seen=_iso(generated - timedelta(minutes=rng.randint(1, 3))),
        ))
    return found


def build_report_data(runs: int = 8, new_count: int | None = None, seed: int = 7,
                      extra_paths: list[str] | None = None) -> ReportData:
    """A full report: history, types, folders, ID copies, breaches, new findings, errors.

    new_count: how many new findings to list (default: the current run's count; give
    more than 500 to exercise the cap). extra_paths: hostile or odd file names, added as
    an ID copy, a breach, a new finding, an error and a folder each, to test escaping.
    """
    history = make_runs(runs)
    current = history[-1]
    generated = datetime.fromisoformat(current.finished)
    new_count = current.new_findings if new_count is None else new_count
    new_findings = make_new_findings(new_count, seed, generated)
    id_copies = [
        IdCopy(f"{ROOT}/{path}", kind, _iso(generated - timedelta(days=min(age, 7 * runs))), age)
        for path, kind, age in ID_COPIES
    ]
    breaches = [
        Breach(f"{ROOT}/{path}", rule, max_age, age, list(types), findings, new=(age < 60))
        for path, rule, max_age, age, types, findings in BREACHES
    ]
    folders = [FolderCount(f"{ROOT}/{folder}", findings, files, dict(types))
               for folder, findings, files, types in FOLDERS]
    errors = [(f"{ROOT}/{path}", kind) for path, kind in ERRORS]
    for odd in extra_paths or []:
        id_copies.append(IdCopy(odd, "BE eID", _iso(generated), 3))
        breaches.append(Breach(odd, "id-copies-30d", 30, 31, ["ID_DOCUMENT"], 1, new=True))
        new_findings.append(NewFinding(odd, "IBAN_CODE", "BE68 **** **** 7034", "page 1", _iso(generated)))
        errors.append((odd, "corrupt file"))
        folders.append(FolderCount(odd, 1, 1, {"IBAN_CODE": 1}))
    return ReportData(
        title="Privacy audit — Kantoor Gent file share",
        generated=_iso(generated),
        paths=[f"{ROOT}/HR", f"{ROOT}/Boekhouding", f"{ROOT}/Klantendienst", f"{ROOT}/Sollicitaties",
               f"{ROOT}/Directie", f"{ROOT}/Projecten", f"{ROOT}/IT", f"{ROOT}/Marketing"],
        current=current,
        history=history,
        by_type=by_type_for(current.findings_total),
        top_folders=folders,
        id_copies=id_copies,
        breaches=sorted(breaches, key=lambda b: -b.age_days),
        new_findings=new_findings,
        errors=errors,
    )


def empty_report_data() -> ReportData:
    """A first run that found nothing: no history to speak of, no findings, no errors."""
    started = FIRST_RUN
    run = RunSummary(
        run_id=1, started=_iso(started), finished=_iso(started + timedelta(seconds=41)),
        files_scanned=57, files_total=57, files_with_findings=0, findings_total=0,
        new_findings=0, resolved_findings=0, id_copies=0, breaches=0, errors=0,
    )
    return ReportData(
        title="Privacy audit — empty test share",
        generated=_iso(started + timedelta(seconds=41)),
        paths=[f"{ROOT}/Leeg"],
        current=run,
        history=[run],
        by_type={},
        top_folders=[],
        id_copies=[],
        breaches=[],
        new_findings=[],
        errors=[],
    )
