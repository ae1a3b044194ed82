"""Rewrite the payment-amount tables in docs/reference.md from the rule tables.

Usage: python scripts/reference_amounts.py [--check]

Each year's table sits between ``<!-- amounts YEAR -->`` and ``<!-- /amounts YEAR -->`` in
docs/reference.md and is made by ``workbench.rules.rule_table.amounts_markdown`` from that year's
module (``workbench/rules/billing_YEAR.py``), so the document and the code never disagree.
With ``--check`` nothing is written; the exit status says whether the document is current.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from workbench.rules.rule_table import amounts_markdown
from workbench.rules.tables import available_years, rule_table_for

DOC = Path(__file__).resolve().parents[1] / "docs" / "reference.md"


def render(text: str) -> str:
    """``text`` with every year's marked block replaced by the table made from the code."""
    for table in (rule_table_for(f"{year}-01") for year in available_years()):
        start, end = f"<!-- amounts {table.year} -->", f"<!-- /amounts {table.year} -->"
        pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
        if not pattern.search(text):
            raise SystemExit(f"docs/reference.md has no '{start}' ... '{end}' block.")
        text = pattern.sub(lambda _m, t=table, s=start, e=end: f"{s}\n{amounts_markdown(t)}{e}", text)
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only say whether the document is current")
    args = parser.parse_args(argv)
    old = DOC.read_text(encoding="utf-8")
    new = render(old)
    if args.check:
        print("docs/reference.md is current" if new == old else "docs/reference.md is out of date: "
              "run python scripts/reference_amounts.py")
        return 0 if new == old else 1
    DOC.write_text(new, encoding="utf-8")
    print("docs/reference.md rewritten from the rule tables")
    return 0


if __name__ == "__main__":
    sys.exit(main())
