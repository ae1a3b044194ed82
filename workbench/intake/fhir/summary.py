"""What a FHIR import did (or, with ``--dry-run``, would do): every resource accounted for."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

OUTCOMES = ("imported", "superseded", "unchanged", "changed, kept as recorded", "duplicate", "not active",
            "not classified", "matched to staff", "not read")


@dataclass
class FhirSummary:
    path: str
    dry_run: bool = False
    counts: Counter = field(default_factory=Counter)  #: (resource type, outcome) -> n
    unclassified: list[str] = field(default_factory=list)  #: "Condition c1 (file line 3): why (codes)"
    programs: Counter = field(default_factory=Counter)  #: new patients by CCM | PCM | none
    ineligible: list[str] = field(default_factory=list)  #: "P00042: Not eligible: ..."
    deceased: list[str] = field(default_factory=list)  #: "P00042 (died 2025-03-01)"

    def count(self, kind: str, outcome: str, note: str | None = None, codings=()) -> None:
        self.counts[(kind, outcome)] += 1
        if note:
            codes = "; ".join(f"{c.get('code')} {c.get('display') or ''}".strip() for c in codings)
            self.unclassified.append(f"{note} [{codes}]" if codes else note)

    def patient(self, pid: str, program: str, reason: str, deceased: bool, died: date | None) -> None:
        self.programs[program] += 1
        if program == "none":
            self.ineligible.append(f"{pid}: {reason}")
        if deceased:
            self.deceased.append(f"{pid} (died {died.isoformat() if died else 'on a day not given'})")

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def written(self) -> int:
        return sum(n for (_k, o), n in self.counts.items() if o in ("imported", "superseded"))

    def __str__(self) -> str:
        head = "Would import" if self.dry_run else "Imported"
        lines = [f"{head} {self.path}: {self.total} resource(s) read; "
                 f"{self.written()} {'would be' if self.dry_run else ''} written.".replace("  ", " ")]
        kinds = sorted({k for k, _o in self.counts})
        for kind in kinds:
            parts = [f"{self.counts[(kind, o)]} {o}" for o in OUTCOMES if self.counts[(kind, o)]]
            lines.append(f"  {kind}: {', '.join(parts)}")
        if self.programs:
            lines.append("  New patients: " + ", ".join(f"{n} {p if p != 'none' else 'not eligible'}"
                                                       for p, n in sorted(self.programs.items())))
        for title, items in (("Deceased (imported with the date)", self.deceased),
                             ("Not eligible (imported with the reason)", self.ineligible),
                             ("Not classified (kept with their codes)", self.unclassified)):
            if items:
                lines.append(f"  {title}: {len(items)}")
                lines += [f"    - {x}" for x in items[:20]]
                if len(items) > 20:
                    lines.append(f"    ... and {len(items) - 20} more")
        if self.dry_run:
            lines.append("Dry run: nothing was written.")
        return "\n".join(lines)
