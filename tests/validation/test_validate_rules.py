"""The checks themselves (no database): tables of values, and hypothesis for the invariants
(a billable code and its undotted form are the same code; PHQ answers in every shape score the
same; every wall-clock time in a zone is refused exactly when the zone skipped it)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench import validate as v
from workbench.errors import InvalidInput
from workbench.rules import score_phq9

NY = ZoneInfo("America/New_York")
TODAY = date(2026, 11, 10)


@pytest.mark.parametrize("value, expected", [
    ("E119", "E11.9"), ("e11.9", "E11.9"), (" I10 ", "I10"), ("B20", "B20"), ("F32.A", "F32.A"),
    ("H401130", "H40.1130"), ("S72001A", "S72.001A"), ("z5941", "Z59.41"),
])
def test_billable_codes_are_normalised(value, expected):
    assert v.icd10(value) == expected


@pytest.mark.parametrize("value, words", [
    ("E11", "is a category"), ("E11.0", "is not a billable code"), ("E110", "E11.00"), ("4", "chapter"),
    ("E08-E13", "block"), ("XYZ", "is not an ICD-10-CM code"), ("E11.9.9", "is not an ICD-10-CM code"),
    ("S72.001", "is not a billable code"), ("", "is required"), (None, "is required"), (119, "must be text"),
    ("E11.9" * 5, "is not an ICD-10-CM code"),
])
def test_codes_that_cannot_go_on_a_claim(value, words):
    with pytest.raises(InvalidInput, match=words):
        v.icd10(value)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["I10", "E11.9", "E11.65", "N18.30", "J44.9", "I50.22", "F03.90", "H40.1130", "C50.911",
                        "M17.0", "Z86.73", "G47.33", "I48.91", "F17.210"]), st.booleans())
def test_a_code_with_or_without_its_dot_is_one_code(code, lower):
    bare = code.replace(".", "")
    typed = bare.lower() if lower else bare
    assert v.icd10(typed) == v.icd10(code) == code


@pytest.mark.parametrize("value, ok", [
    ("2026-11-03", True), ("2026-W01-1", False), ("20261103", False), ("2026-02-30", False),
    ("2026-11-03T00:00", False), (" 2026-11-03 ", True), ("11/03/2026", False),
])
def test_dates_are_yyyy_mm_dd(value, ok):
    if ok:
        assert v.a_date(value, "Date") == date(2026, 11, 3)
    else:
        with pytest.raises(InvalidInput, match="is not a date"):
            v.a_date(value, "Date")


@pytest.mark.parametrize("value, words", [
    (date(1899, 12, 31), "before 1900-01-01"), (date(2026, 11, 11), "in the future"),
])
def test_birth_dates(value, words):
    with pytest.raises(InvalidInput, match=words):
        v.birth_date(value, TODAY)
    assert v.birth_date(date(1900, 1, 1), TODAY) == date(1900, 1, 1)


def test_care_dates_are_after_2000_and_birth():
    assert v.care_date("2000-01-01", "Date", today=TODAY) == date(2000, 1, 1)
    with pytest.raises(InvalidInput, match="before 2000-01-01"):
        v.care_date("1999-12-31", "Date", today=TODAY)
    with pytest.raises(InvalidInput, match="before the patient's birth date"):
        v.care_date("2004-01-01", "Date", today=TODAY, birth=date(2005, 1, 1))


@pytest.mark.parametrize("text, ok", [
    ("2026-11-03T09:30:00-05:00", True), ("2026-11-03 09:30-05:00", True), ("2026-11-03T09:30:00Z", True),
    ("2026-11-03T09:30:00.123456+05:45", True), ("2026-11-03T09:30:00+14:00", True),
    ("2026-11-03T09:30:00-14:15", False), ("2026-11-03T09:30:00+23:59", False), ("2026-11-03T09:30:00+05:07", False),
    ("2026-11-03T09:30:00", False), ("2026-W45-2T09:30:00Z", False), ("2026-11-03T09:30:00-0500", False),
    ("2026-11-03T25:30:00Z", False),
])
def test_datetimes_carry_a_real_offset(text, ok):
    if ok:
        assert v.a_datetime(text, "Start").tzinfo is not None
    else:
        with pytest.raises(InvalidInput):
            v.a_datetime(text, "Start")


@settings(max_examples=300, deadline=None)
@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2037, 12, 31)),
       st.sampled_from(["America/New_York", "America/Chicago", "America/Denver", "America/Phoenix",
                        "America/Los_Angeles", "America/Anchorage", "Pacific/Honolulu", "America/Puerto_Rico"]),
       st.sampled_from([0, 1]))
def test_a_wall_clock_time_is_refused_exactly_when_the_zone_skipped_it(naive, zone, fold):
    tz = ZoneInfo(zone)
    aware = naive.replace(tzinfo=tz, fold=fold)
    skipped = aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive
    if skipped:
        with pytest.raises(InvalidInput, match="does not exist"):
            v.a_datetime(aware, "Start")
    else:
        got = v.a_datetime(aware, "Start")
        assert got.astimezone(UTC) == aware.astimezone(UTC)


@pytest.mark.parametrize("value, ok", [
    (20, True), (19.5, True), (np.int64(3), True), (np.float32(2.5), True), (1 / 60, True), (720, True),
    (0, False), (-1, False), (0.01, False), (1e-9, False), (float("inf"), False), (float("nan"), False),
    (720.01, False), ("20", False), (True, False), (None, False),
])
def test_minutes(value, ok):
    if ok:
        assert v.seconds_of(v.minutes(value)) >= 1
    else:
        with pytest.raises(InvalidInput):
            v.minutes(value)


@pytest.mark.parametrize("text, seconds", [("20", 1200), ("19.5", 1170), (".5", 30), ("0.02", 1), ("007", 420)])
def test_minutes_typed_in_a_file(text, seconds):
    assert v.seconds_of(v.minutes_text(text)) == seconds


@pytest.mark.parametrize("text", ["2_0", "1e-9", "1e3", "inf", "nan", "-5", "+5", "19,5", "", "1.2.3", "٣"])
def test_minutes_that_are_not_typed_numbers(text):
    with pytest.raises(InvalidInput):
        v.minutes_text(text)


answers9 = st.lists(st.integers(min_value=0, max_value=3), min_size=9, max_size=9)


@settings(max_examples=200, deadline=None)
@given(answers9)
def test_phq9_answers_in_any_shape_score_the_same(values):
    shapes = [values, tuple(values), np.array(values), {f"q{n}": a for n, a in enumerate(values, 1)},
              {n: np.int64(a) for n, a in enumerate(values, 1)}, {f"Q{n}": a for n, a in reversed(list(enumerate(values, 1)))},
              {f"item_{n}": a for n, a in enumerate(values, 1)}]
    results = [score_phq9(v.phq_answers(shape, "PHQ-9")) for shape in shapes]
    assert all(x == results[0] for x in results)
    assert results[0].total == sum(values) and results[0].escalation_required == (values[8] > 0)


@pytest.mark.parametrize("value, ok", [
    ("F", True), ("m", True), (" x ", True), ("female", False), ("FM", False), ("", False), (None, False), (1, False),
])
def test_sex(value, ok):
    if ok:
        assert v.sex(value) in ("F", "M", "X")
    else:
        with pytest.raises(InvalidInput, match="must be F, M or X"):
            v.sex(value)


@pytest.mark.parametrize("value, expected", [("ny", "NY"), ("PR", "PR"), ("", ""), (None, "")])
def test_states(value, expected):
    assert v.state(value) == expected


@pytest.mark.parametrize("value", ["New York", "ZZ", "N.Y.", 12])
def test_states_refused(value):
    with pytest.raises(InvalidInput, match="two-letter US state code"):
        v.state(value)


def test_free_text_is_never_echoed():
    secret = "Quintessa Quill"
    for check in (lambda: v.short(secret * 20, "first_name"), lambda: v.short("Quin\ntessa Quill", "first_name"),
                  lambda: v.text(secret + "\x00", "note"), lambda: v.text(secret * 300, "note"),
                  lambda: v.text(secret + "\x07", "note")):
        with pytest.raises(InvalidInput) as info:
            check()
        assert "Quintessa" not in str(info.value)
