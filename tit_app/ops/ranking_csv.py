"""A search's ranking as CSV: one row per place in each ranking list.

Columns: ``ranked_by`` (the list, e.g. ``focality_3d``), ``rank`` (1 = best),
the four electrodes, then one column per score, headed by its figure key
(:mod:`tit_app.ops.figures`), so a score a search adds later gets a column too.
"""

from __future__ import annotations

import csv
import io

from tit_app.ops import figures
from tit_app.ops.readout import ranking_figure, score_attributes
from tit_app.ops.results import rankings

ELECTRODE_COLUMNS = ("pair1_anode", "pair1_cathode", "pair2_anode", "pair2_cathode")


def ranking_rows(result) -> list[list]:
    """Header, then rows, of every ranking list the result carries (none: just the header)."""
    attributes = score_attributes()
    header = ["ranked_by", "rank", *ELECTRODE_COLUMNS, *(figures.score_figure(a).key for a in attributes)]
    rows: list[list] = [header]
    for name, ranking in rankings(result).items():
        for rank, montage in enumerate(ranking, start=1):
            rows.append([ranking_figure(name).key, rank, *montage.pair1, *montage.pair2,
                         *(repr(float(getattr(montage, a))) for a in attributes)])
    return rows


def ranking_csv(result) -> str:
    """The CSV text (RFC 4180, CRLF line ends)."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(ranking_rows(result))
    return buffer.getvalue()
