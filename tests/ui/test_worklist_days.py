"""The worklist's "Last contact" is the practice's day, never the UTC day: a call at 7 pm in
Chicago on 4 December is already 5 December in UTC, and a care manager reading "12-05" the same
evening would think the call was made tomorrow."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from workbench.ui.worklist import render_rows

# (call time in UTC, practice zone, the day the worklist shows)
CASES = [
    (datetime(2026, 12, 5, 1, 30, tzinfo=UTC), "America/Chicago", "2026-12-04"),  # 7:30 pm the 4th
    (datetime(2026, 12, 5, 6, 0, tzinfo=UTC), "America/Chicago", "2026-12-05"),  # midnight the 5th
    (datetime(2026, 12, 4, 16, 0, tzinfo=UTC), "Asia/Tokyo", "2026-12-05"),  # 1 am the 5th
    (datetime(2026, 12, 4, 14, 59, tzinfo=UTC), "Asia/Tokyo", "2026-12-04"),  # 11:59 pm the 4th
    (datetime(2026, 12, 4, 23, 59, tzinfo=UTC), "UTC", "2026-12-04"),
    (datetime(2026, 3, 8, 5, 30, tzinfo=UTC), "America/Chicago", "2026-03-07"),  # the night clocks spring forward
]


def _frame(when: datetime) -> pd.DataFrame:
    frame = pd.DataFrame({"patient_id": ["P1"], "name": ["Cy Doe"], "last_contact": [when],
                          "last_outcome": ["reached"], "minutes": [0], "why": [[]]})
    frame["last_contact"] = pd.to_datetime(frame["last_contact"], utc=True)  # as the report gives it
    return frame


def _last_contact(html: str) -> str:
    return html.split('class="ccm-last-contact">')[1].split("</td>")[0]


@pytest.mark.parametrize(("when", "zone", "shown"), CASES)
def test_the_last_contact_is_the_practice_day(when, zone, shown):
    assert _last_contact(render_rows(_frame(when), str, tz=ZoneInfo(zone))) == f"{shown} (reached)"


def test_no_contact_shows_nothing_in_any_zone():
    frame = _frame(datetime(2026, 12, 4, tzinfo=UTC)).assign(last_contact=[pd.NaT], last_outcome=[""])
    assert _last_contact(render_rows(frame, str, tz=ZoneInfo("America/Chicago"))) == ""
