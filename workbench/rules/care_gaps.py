"""Care gaps (reference, "Care gaps commonly tracked").

- Diabetes: A1c every 6 months when at goal, every 3 months when the last A1c is not at
  goal (a value of 8 % or more: :data:`A1C_NOT_AT_GOAL`; the number is read from
  ``Screening.result``; a blank or unreadable result counts as at goal); yearly dilated
  eye exam, foot exam, kidney test (urine albumin/eGFR) and lipids.
- Colorectal screening from 45 to 75. The reference names no interval; we use the
  USPSTF intervals by the method written in the result: stool test (FIT/FOBT) 1 year,
  stool DNA 3 years, sigmoidoscopy or CT colonography 5 years, otherwise (colonoscopy or
  unstated) 10 years.
- Mammography every 2 years from 40 to 74, women (sex "F").
- Influenza yearly: one dose per season; a season starts on August 1 (our choice).
- Pneumococcal from age 50 (CDC, Oct 2024): once.

A gap is an item due on or before the date ``on``; never done means due now.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from workbench.records import Condition, Immunization, Screening
from workbench.rules.months import add_months
from workbench.rules.catalog import chronic_category

A1C_NOT_AT_GOAL = 8.0  #: an A1c at or above this (%) is not at goal: recheck in 3 months
FLU_SEASON_START = (8, 1)  #: month, day
KIDNEY_KINDS = frozenset({"kidney", "urine_albumin", "uacr", "egfr"})


@dataclass(frozen=True)
class CareGap:
    kind: str  #: "a1c", "eye_exam", ... "influenza", "pneumococcal"
    label: str
    last_done: date | None
    due: date
    reason: str


def _last(dates: Iterable[date], on: date) -> date | None:
    past = [d for d in dates if d <= on]
    return max(past) if past else None


def _a1c_value(result: str) -> float | None:
    match = re.search(r"\d+(?:\.\d+)?", result or "")
    return float(match.group()) if match else None


def _colorectal_years(result: str) -> int:
    text = (result or "").lower()
    if "fit" in text or "fobt" in text:
        return 1
    if "dna" in text or "cologuard" in text:
        return 3
    if "sigmoid" in text or "ct colonography" in text:
        return 5
    return 10


def _periodic(kind: str, label: str, last: Screening | None, months: int, on: date, why: str) -> CareGap:
    if last is None:
        return CareGap(kind, label, None, on, f"No {label.lower()} on record ({why}).")
    due = add_months(last.date, months)
    return CareGap(kind, label, last.date, due, f"Last on {last.date}; due every {months} months ({why}).")


def care_schedule(*, age: int, sex: str, conditions: Sequence[Condition], screenings: Sequence[Screening],
                  immunizations: Sequence[Immunization], on: date) -> list[CareGap]:
    """Every tracked item that applies to this patient, with its due date (due or not).

    Reference, "Care gaps commonly tracked".
    """
    def latest(kinds: set[str] | frozenset[str]) -> Screening | None:
        done = [s for s in screenings if s.kind in kinds and s.date <= on]
        return max(done, key=lambda s: s.date) if done else None

    items: list[CareGap] = []
    diabetic = any(c.chronic is not False and chronic_category(c.icd10) == "Diabetes" for c in conditions)
    if diabetic:
        a1c = latest({"a1c"})
        value = _a1c_value(a1c.result) if a1c else None
        if value is not None and value >= A1C_NOT_AT_GOAL:
            items.append(_periodic("a1c", "A1c", a1c, 3, on, f"diabetes; last A1c {value:g} % not at goal"))
        else:
            items.append(_periodic("a1c", "A1c", a1c, 6, on, "diabetes; at goal"))
        for kind, label in (("eye_exam", "Dilated eye exam"), ("foot_exam", "Foot exam"),
                            ("lipids", "Lipid panel")):
            items.append(_periodic(kind, label, latest({kind}), 12, on, "diabetes"))
        items.append(_periodic("kidney", "Kidney test (urine albumin/eGFR)", latest(KIDNEY_KINDS), 12, on,
                               "diabetes"))
    if 45 <= age <= 75:
        last = latest({"colorectal"})
        years = _colorectal_years(last.result) if last else 10
        items.append(_periodic("colorectal", "Colorectal screening", last, 12 * years, on, "age 45-75"))
    if sex.upper() == "F" and 40 <= age <= 74:
        items.append(_periodic("mammography", "Mammography", latest({"mammography"}), 24, on,
                               "women 40-74, every 2 years"))
    flu_last = _last((i.date for i in immunizations if i.vaccine == "influenza"), on)
    month, day = FLU_SEASON_START
    season = date(on.year if (on.month, on.day) >= (month, day) else on.year - 1, month, day)
    if flu_last is None or flu_last < season:
        items.append(CareGap("influenza", "Influenza vaccine", flu_last, season,
                             f"No influenza vaccine this season (since {season})."))
    else:
        next_season = date(season.year + 1, month, day)
        items.append(CareGap("influenza", "Influenza vaccine", flu_last, next_season,
                             f"Given on {flu_last} for this season."))
    if age >= 50:
        pneumo = _last((i.date for i in immunizations if i.vaccine == "pneumococcal"), on)
        if pneumo is None:
            items.append(CareGap("pneumococcal", "Pneumococcal vaccine", None, on,
                                 "Age 50 or over and no pneumococcal vaccine on record."))
    return items


def care_gaps(*, age: int, sex: str, conditions: Sequence[Condition], screenings: Sequence[Screening],
              immunizations: Sequence[Immunization], on: date) -> list[CareGap]:
    """Open care gaps on ``on``: the tracked items due on or before that date.

    Reference, "Care gaps commonly tracked".
    """
    schedule = care_schedule(age=age, sex=sex, conditions=conditions, screenings=screenings,
                             immunizations=immunizations, on=on)
    return [item for item in schedule if item.due <= on]
