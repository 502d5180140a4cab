"""The operations in the window: each one's panel, form, run, and results.

The operations themselves are declared once, Qt-free, in :mod:`tit_app.operations`;
they are re-exported here for the window's modules that list them.

* ``panel``: one operation's place in the window (form, Run/Cancel, progress, results);
* ``fields``, ``ti_fields``: the form's editors; ``field_rows``: which editor each row gets;
* ``form``: the form, with errors shown beside their field;
* ``runner``: running an operation on a worker thread;
* ``result_view``, ``heatmap``, ``map_picture``, ``ranking``: showing a result.
"""

from tit_app.operations import BY_NAME, OPERATIONS

__all__ = ["BY_NAME", "OPERATIONS"]
