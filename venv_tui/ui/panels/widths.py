"""How a table's columns share its width: the wide ones give way, the short ones stay whole.
Pure: the table measures, this decides."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

# A giving column is cut no narrower than this (or its header): a name's first letters.
LEAST = 10


class Span(NamedTuple):
    """A column's widths, its padding included."""

    natural: int  # its widest cell or its header
    least: int  # a giving column is cut no narrower than this
    header: int  # its header whole


def fitted(row: Sequence[Span], giving: Sequence[int], room: int, pad: int) -> list[int]:
    """The width of each column of a row that must fit in ``room``. The columns whose indices
    are in ``giving`` give way, the first one first, each down to its least width; the others
    keep their natural width. A giving column that ends the row steps aside when even its
    least width does not fit: drawn as its padding alone, past the edge once the others fill
    the room (a sliver of a path says nothing). The room left over then comes back to it if
    its header fits whole, else to the columns that gave way, the last one first."""
    widths = [span.natural for span in row]
    excess = sum(widths) - room
    end = len(row)  # the columns from here on have stepped aside
    for index in giving:
        cut = max(0, min(excess, widths[index] - row[index].least))
        widths[index] -= cut
        excess -= cut
        if excess > 0 and index == end - 1:
            excess -= widths[index]
            widths[index] = pad
            end = index
    slack = -excess
    if end < len(row) and slack >= row[end].header:
        widths[end], slack = slack, 0
    for index in reversed(giving):
        if index < end and slack > 0:
            back = min(slack, row[index].natural - widths[index])
            widths[index] += back
            slack -= back
    return widths
