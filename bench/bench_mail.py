"""Messages per second: a generated mbox of synthetic GDPR-request mails with attachments.

    python bench/bench_mail.py [--messages 5000] [--json FILE]

Prints messages/s and MB/s for `piiscan scan` on the mbox, and the same messages as .eml
files in a Maildir-like folder (files scan in parallel; one mbox is one file, read by one
worker as a stream).
"""

from __future__ import annotations

import argparse
import io
import json
import random
import subprocess
import sys
import time
from email.message import EmailMessage
from pathlib import Path

from piiscan import synth

OUT = Path(__file__).resolve().parent / "out" / "mail"


def _message(rng: random.Random, index: int) -> bytes:
    first, last = synth.person(rng, rng.choice(["nl_BE", "nl_NL", "fr_BE"]))
    address = synth.email(rng, first, last)
    message = EmailMessage()
    message["From"] = f"{first} {last} <{address}>"
    message["To"] = "privacy@zonnewende.be"
    message["Subject"] = rng.choice(["Inzageverzoek AVG", "Demande d'accès RGPD", "Verzoek tot wissing"])
    message["Date"] = f"Tue, {1 + index % 28:02d} Mar 2024 09:{index % 60:02d}:00 +0100"
    message["Message-ID"] = f"<req-{index}@example.be>"
    street, city = synth.address(rng, "nl_BE")
    message.set_content(
        f"Geachte,\n\nIk vraag inzage in mijn gegevens.\nRijksregisternummer: {synth.be_national_number(rng)}\n"
        f"IBAN: {synth.iban(rng, 'BE')}\nAdres: {street}, {city}\nTel. {synth.phone_be(rng)}\n\n"
        f"Met vriendelijke groet,\n{first} {last}\n"
    )
    rows = "\n".join(f"{synth.nl_bsn(rng)};{synth.iban(rng, 'NL', spaced=False)}" for _ in range(5))
    message.add_attachment(f"bsn;iban\n{rows}\n".encode(), maintype="text", subtype="csv", filename=f"export-{index}.csv")
    return message.as_bytes()


def build(count: int) -> tuple[Path, Path]:
    OUT.mkdir(parents=True, exist_ok=True)
    mbox = OUT / f"inbox_{count}.mbox"
    folder = OUT / f"maildir_{count}"
    if mbox.exists() and folder.exists():
        return mbox, folder
    rng = random.Random(count)
    (folder / "cur").mkdir(parents=True, exist_ok=True)
    (folder / "new").mkdir(exist_ok=True)
    with mbox.open("wb") as out:
        for index in range(count):
            data = _message(rng, index)
            out.write(b"From privacy@zonnewende.be Tue Mar 12 09:14:00 2024\n")
            out.write(data.replace(b"\nFrom ", b"\n>From ") + b"\n")
            (folder / "cur" / f"{1700000000 + index}.M{index}P1.host:2,S").write_bytes(data)
    return mbox, folder


def scan(target: Path, workers: int | None = None) -> dict:
    command = [sys.executable, "-m", "piiscan", "scan", str(target), "--format", "jsonl", "--no-progress"]
    if workers:
        command += ["--workers", str(workers)]
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    findings = sum(1 for line in io.StringIO(result.stdout) if '"record": "finding"' in line)
    return {"seconds": round(seconds, 2), "findings": findings, "exit": result.returncode, "summary": result.stderr.strip().splitlines()[0]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args()
    mbox, folder = build(args.messages)
    size_mb = mbox.stat().st_size / 1e6
    rows = {
        "mbox, one file": scan(mbox),
        "Maildir, 1 worker": scan(folder, 1),
        "Maildir, all cores": scan(folder),
    }
    print(f"{args.messages} messages with a CSV attachment each, mbox {size_mb:.1f} MB")
    print(f"  {'what':<22} {'seconds':>8} {'messages/s':>11} {'MB/s':>6} {'findings':>9}")
    for name, row in rows.items():
        rate = args.messages / row["seconds"]
        print(f"  {name:<22} {row['seconds']:>8.2f} {rate:>11.0f} {size_mb / row['seconds']:>6.2f} {row['findings']:>9}")
    if args.json:
        Path(args.json).write_text(json.dumps({"messages": args.messages, "mbox_mb": size_mb, "rows": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
