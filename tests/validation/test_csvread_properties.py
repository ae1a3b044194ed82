"""The CSV reader's invariants (hypothesis): a file a spreadsheet writes reads back exactly,
row for row; a file with one quote removed or added is never read with fewer rows silently."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.intake.csvread import read_csv
from workbench.errors import ImportRefused

COLUMNS = ["entry_id", "patient_id", "minutes", "note"]
# Text a care manager might type: letters, digits, spaces inside, commas, quotes, line breaks.
cell = st.text(alphabet=st.sampled_from(list("abcXYZ019 ,\"'\n;-")), max_size=30).map(str.strip)
rows = st.lists(st.lists(cell, min_size=len(COLUMNS), max_size=len(COLUMNS)), min_size=1, max_size=12)


def _written(table, lineterminator="\r\n") -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=lineterminator)
    writer.writerow(COLUMNS)
    writer.writerows(table)
    return out.getvalue()


def _read(tmp_path, text: str):
    path = tmp_path / "t.csv"
    path.write_bytes(text.encode("utf-8"))
    return read_csv(path, tuple(COLUMNS))


def _looks_like_rows(value: str) -> bool:
    """The one refusal a well-formed file may meet: a multi-line value whose lines look like rows."""
    return any(line.count(",") >= 3 for line in value.split("\n")[1:])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(table=rows, terminator=st.sampled_from(["\r\n", "\n"]))
def test_a_written_file_reads_back_row_for_row(tmp_path, table, terminator):
    text = _written(table, terminator)
    nonblank = [row for row in table if any(row)]
    try:
        got = _read(tmp_path, text)
    except ImportRefused as err:
        assert any(_looks_like_rows(v) for row in table for v in row), err.problems
    else:
        assert [[row[c] for c in COLUMNS] for _, row in got.rows] == nonblank


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(table=rows, data=st.data())
def test_one_quote_more_or_less_never_loses_rows_silently(tmp_path, table, data):
    text = _written(table, "\n")
    where = data.draw(st.integers(min_value=len(",".join(COLUMNS)) + 1, max_value=len(text)))
    broken = text[:where] + '"' + text[where:] if data.draw(st.booleans()) or '"' not in text[where:] else \
        text[:where] + text[where:].replace('"', "", 1)
    nonblank = [row for row in table if any(row)]
    try:
        got = _read(tmp_path, broken)
    except ImportRefused as err:  # refused, naming a line of the file: nothing lost
        assert err.problems and all(1 <= line <= broken.count("\n") + 1 for line, _ in err.problems)
    else:  # accepted: every row of the original is still a row (values may differ by the quote itself)
        assert len(got.rows) == len(nonblank)


@pytest.mark.parametrize("text, line, words", [
    ('a,b\n"x,1\n2,3\n4,5\n', 2, "never closed"),
    ('a,b\n1,2\n3,"x\n', 3, "never closed"),
    ('a,b\n1,x"y\n', 2, "does not start with one"),
    ('a,b\n"x"y,1\n', 2, "followed by more text"),
    ('a,b,c,d\n1,2,3,"x\n5,6,7,8\n9,10,11,"\n', 2, "look like"),
    ('a,a\n1,2\n', 1, "appears twice"),
    ('a,b\n1\n', 2, "1 values, but the header has 2 columns"),
])
def test_structural_problems_name_the_line(tmp_path, text, line, words):
    path = tmp_path / "x.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ImportRefused) as info:
        read_csv(path, ("a",))
    assert [n for n, _ in info.value.problems] == [line]
    assert words in info.value.problems[0][1]


def test_values_are_stripped_and_blank_lines_skipped(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text(' A , B \n 1 , "two, too" \n\n , \n3,4', encoding="utf-8")
    got = read_csv(path, ("a", "b"))
    assert got.columns == ["a", "b"]
    assert got.rows == [(2, {"a": "1", "b": "two, too"}), (5, {"a": "3", "b": "4"})]
