"""`make docs`: regenerate docs/telemetry.md and the README's consent notice from the catalog,
and the table of result figures in docs/ops.md from tit_app/ops/figures.py.

Both are rendered in a throwaway telemetry home, so the developer's own destinations and
policy never leak into the published text.
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARKERS = re.compile(r"(<!-- notice:start[^\n]*-->\n).*?(<!-- notice:end -->)", re.DOTALL)
FIGURE_MARKERS = re.compile(r"(<!-- figures:start -->\n).*?(\n<!-- figures:end -->)", re.DOTALL)


def readme_with_notice(readme: str, notice: str) -> str:
    if not MARKERS.search(readme):
        raise SystemExit("README.md has no <!-- notice:start --> … <!-- notice:end --> block")
    demoted = re.sub(r"^### ", "#### ", notice, flags=re.MULTILINE)  # under the README's own headings
    return MARKERS.sub(lambda m: m.group(1) + demoted + m.group(2), readme)


def ops_with_figures(ops_md: str, table: str) -> str:
    if not FIGURE_MARKERS.search(ops_md):
        raise SystemExit("docs/ops.md has no <!-- figures:start --> … <!-- figures:end --> block")
    return FIGURE_MARKERS.sub(lambda m: m.group(1) + table + m.group(2), ops_md)


def main() -> int:
    from tit_app import telemetry
    from tit_app.ops import figures
    from tit_app.telemetry.testing import isolated_telemetry

    with tempfile.TemporaryDirectory() as home, isolated_telemetry(Path(home)):
        (ROOT / "docs" / "telemetry.md").write_text(telemetry.catalog_markdown(), encoding="utf-8")
        readme = ROOT / "README.md"
        readme.write_text(readme_with_notice(readme.read_text(encoding="utf-8"), telemetry.consent_notice()),
                          encoding="utf-8")
    ops_md = ROOT / "docs" / "ops.md"
    ops_md.write_text(ops_with_figures(ops_md.read_text(encoding="utf-8"), figures.markdown_table()),
                      encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
