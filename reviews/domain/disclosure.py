"""Statistical disclosure control for the works council's tables.

Every cell counting 1 to k-1 people is hidden (primary suppression). A zero names
nobody and is shown: hiding it would only force partners and lose information.
Where a row or column total is shown, a single hidden cell in it could be
recovered by subtraction, so a second cell is hidden too (secondary
suppression), repeated until no row or column has exactly one hidden cell.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

Table = Mapping[str, Mapping[str, int]]
Shown = dict[str, dict[str, int | None]]


def suppress_small_cells(cells: Mapping[str, int], k: int) -> dict[str, int | None]:
    """One line of cells with its total shown: hide those of 1 to k-1, and never exactly one."""
    return suppress_table({"_": cells}, k, row_totals=True, column_totals=False)["_"]


def suppress_table(
    table: Table,
    k: int,
    *,
    row_totals: bool,
    column_totals: bool,
    also_hide: frozenset[tuple[str, str]] | set[tuple[str, str]] = frozenset(),
) -> Shown:
    """Hide cells below k (and ``also_hide``: cells another published table requires hidden), then add
    secondary suppression along every line whose total is shown."""
    shown: Shown = {row: dict(cells) for row, cells in table.items()}
    hidden = {(r, c) for r, cells in table.items() for c, v in cells.items() if 0 < v < k}
    hidden |= {(r, c) for r, c in also_hide if r in table and c in table[r]}
    lines: list[list[tuple[str, str]]] = []
    if row_totals:
        lines += [[(r, c) for c in cells] for r, cells in table.items()]
    if column_totals:
        columns = {c for cells in table.values() for c in cells}
        lines += [[(r, c) for r, cells in table.items() if c in cells] for c in sorted(columns)]
    changed = True
    while changed:
        changed = False
        for line in lines:
            line_hidden = [cell for cell in line if cell in hidden]
            if len(line_hidden) == 1 and len(line) > 1:
                candidates = sorted((table[r][c], r, c) for r, c in line if (r, c) not in hidden)
                _, r, c = candidates[0]
                hidden.add((r, c))
                changed = True
    for r, c in hidden:
        shown[r][c] = None
    return shown


def every_cell_safe(cells: Iterable[tuple[int, int]], k: int) -> bool:
    """Whether answers about any union of these cells ((people, counted) per cell) may be published.

    A scoped answer (a team, an employment type, any union of them) is a sum over cells, and two
    scopes that differ by one cell give that cell by subtraction. So such answers are safe only when
    every cell is: at least k people, and a count of 0 or at least k. Sums of safe cells are safe,
    however an asker combines them.
    """
    return all(people >= k and (counted == 0 or counted >= k) for people, counted in cells)
