"""A progress bar on stderr for long scans, only when a person is watching (a terminal)."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress as RichProgress, TextColumn, TimeRemainingColumn


class Progress:
    def __init__(self, enabled: bool, total_files: int):
        self.enabled = enabled
        self.total_files = total_files
        self._bar: RichProgress | None = None
        self._task = None
        self.findings = 0

    def __enter__(self) -> "Progress":
        if self.enabled:
            self._bar = RichProgress(
                TextColumn("[bold]scanning"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[findings]} findings"),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._bar.__enter__()
            self._task = self._bar.add_task("scan", total=self.total_files, findings=0)
        return self

    def advance(self, result) -> None:
        self.findings += len(result.entity_types)
        if self._bar is not None:
            self._bar.update(self._task, advance=1, findings=self.findings)

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)
