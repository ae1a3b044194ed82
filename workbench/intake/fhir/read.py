"""Reading FHIR R4 input: a Bundle (JSON; transaction, batch or collection), a folder of bundles,
or a bulk-export folder of NDJSON files (one resource type per file, as FHIR Bulk Data ``$export``
writes them). Every resource comes out with the place it was found ("Condition.ndjson line 12",
"bundle.json entry 3"), so each problem can name it. Nothing here writes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ...errors import InvalidInput

BUNDLE_TYPES = ("transaction", "batch", "collection", "searchset")


@dataclass(frozen=True)
class Entry:
    where: str  #: file and line or entry, e.g. "Condition.ndjson line 12"
    resource: dict
    full_url: str = ""  #: the Bundle entry's fullUrl (references may use it)

    @property
    def kind(self) -> str:
        return str(self.resource.get("resourceType", ""))

    @property
    def rid(self) -> str:
        return str(self.resource.get("id", "") or "")

    def name(self) -> str:
        """The entry in words: "Condition c-17 (Condition.ndjson line 12)"."""
        return f"{self.kind or 'resource'}{' ' + self.rid if self.rid else ''} ({self.where})"


def files_of(path: Path) -> list[Path]:
    """The .json and .ndjson files to read: ``path`` itself, or those in the folder (sorted)."""
    if path.is_file():
        return [path]
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in (".json", ".ndjson"))
    raise InvalidInput(f"No such file or folder: {path}.", "path")


def _bundle(data, label: str, problems: list[str]) -> list[Entry]:
    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        kind = data.get("resourceType") if isinstance(data, dict) else type(data).__name__
        problems.append(f"{label}: resourceType is {kind!r}, not 'Bundle': a .json file holds one Bundle "
                        "(put single resources in an .ndjson file, one per line).")
        return []
    if data.get("type") not in BUNDLE_TYPES:
        problems.append(f"{label}: Bundle.type is {data.get('type')!r}: this import reads "
                        f"{', '.join(BUNDLE_TYPES)} bundles.")
        return []
    out = []
    for i, entry in enumerate(data.get("entry") or [], start=1):
        res = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(res, dict):
            problems.append(f"{label} entry {i}: no resource.")
            continue
        out.append(Entry(f"{label} entry {i}", res, str(entry.get("fullUrl") or "")))
    return out


def _ndjson(path: Path, label: str, problems: list[str]) -> list[Entry]:
    """One resource per line. A bulk-export file is named after its resource type
    ("Condition.ndjson", "Condition-2.ndjson"): a resource of another type in it is refused."""
    stem = path.name.split(".")[0].split("-")[0]
    expected = stem if stem[:1].isupper() and stem.isalpha() else None
    out = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                res = json.loads(line)
            except ValueError as err:
                problems.append(f"{label} line {n}: not JSON ({err.msg}, column {err.colno}).")
                continue
            if not isinstance(res, dict):
                problems.append(f"{label} line {n}: not a FHIR resource (a JSON {type(res).__name__}).")
                continue
            if expected and res.get("resourceType") != expected:
                problems.append(f"{label} line {n}: resourceType is {res.get('resourceType')!r} in a file of "
                                f"{expected} resources.")
            elif res.get("resourceType") == "Bundle":
                out += _bundle(res, f"{label} line {n}", problems)
            else:
                out.append(Entry(f"{label} line {n}", res))
    return out


def read(path) -> tuple[list[Entry], list[str]]:
    """Every resource under ``path`` with its place, and the problems found reading it."""
    root = Path(path)
    problems: list[str] = []
    entries: list[Entry] = []
    files = files_of(root)
    if not files:
        raise InvalidInput(f"{root} holds no .json or .ndjson file.", "path")
    for f in files:
        label = f.name
        try:
            if f.suffix.lower() == ".ndjson":
                entries += _ndjson(f, label, problems)
                continue
            data = json.loads(f.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            problems.append(f"{label}: not UTF-8 text.")
            continue
        except ValueError as err:
            problems.append(f"{label}: not JSON ({err.msg}, line {err.lineno} column {err.colno}).")
            continue
        entries += _bundle(data, label, problems)
    return entries, problems
