from hypothesis import given
from hypothesis import strategies as st

from reviews.domain.disclosure import suppress_table


def hidden_in(shown, cells):
    return [cell for cell in cells if shown[cell[0]][cell[1]] is None]


def test_a_lone_small_cell_in_a_column_takes_a_partner():
    table = {
        "team A": {"agents": 40, "warned": 3},
        "team B": {"agents": 35, "warned": 12},
        "team C": {"agents": 50, "warned": 20},
    }
    shown = suppress_table(table, 10, row_totals=False, column_totals=True)
    assert shown["team A"]["warned"] is None
    assert shown["team B"]["warned"] is None  # the smallest remaining in that column
    assert shown["team C"]["warned"] == 20
    assert [shown[t]["agents"] for t in table] == [40, 35, 50]


def test_secondary_suppression_cascades_until_no_line_has_one_hidden_cell():
    table = {"r1": {"a": 2, "b": 50}, "r2": {"a": 30, "b": 40}}
    shown = suppress_table(table, 10, row_totals=True, column_totals=True)
    assert all(v is None for row in shown.values() for v in row.values())


tables = st.dictionaries(
    st.sampled_from(["t1", "t2", "t3", "t4"]),
    st.fixed_dictionaries({c: st.integers(0, 40) for c in ("agents", "alerts", "confirmed")}),
    min_size=1,
)


@given(tables, st.integers(1, 15), st.booleans(), st.booleans())
def test_no_suppressed_cell_can_be_recovered_from_a_shown_total(table, k, row_totals, column_totals):
    shown = suppress_table(table, k, row_totals=row_totals, column_totals=column_totals)
    for r, cells in table.items():
        for c, value in cells.items():
            if 0 < value < k:
                assert shown[r][c] is None  # primary
            if shown[r][c] is not None:
                assert shown[r][c] == value
    lines = []
    if row_totals:
        lines += [[(r, c) for c in cells] for r, cells in table.items()]
    if column_totals:
        lines += [[(r, c) for r in table] for c in ("agents", "alerts", "confirmed")]
    for line in lines:
        if len(line) > 1:
            # With the line's total known, one hidden cell alone would equal total minus the rest.
            assert len(hidden_in(shown, line)) != 1


def test_a_zero_names_nobody_and_is_shown():
    shown = suppress_table({"a": {"warned": 0}, "b": {"warned": 25}}, 10, row_totals=False, column_totals=True)
    assert (shown["a"]["warned"], shown["b"]["warned"]) == (0, 25)
