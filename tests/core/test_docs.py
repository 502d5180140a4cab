"""docs/telemetry.md is generated from the catalog; this fails when someone forgets to regenerate it."""

from __future__ import annotations

from pathlib import Path

from tit_app.telemetry.notice import markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "telemetry.md"


def test_telemetry_doc_is_up_to_date(telemetry_home):
    expected = markdown(telemetry_home.catalog)
    assert DOC.read_text(encoding="utf-8") == expected, (
        "docs/telemetry.md is out of date: run `make docs` (tit-app telemetry schema --markdown > docs/telemetry.md)"
    )


def test_every_event_and_parameter_is_documented(telemetry_home):
    text = DOC.read_text(encoding="utf-8")
    for name, spec in telemetry_home.catalog.events.items():
        assert f"### `{name}`" in text and spec.description in text
        for param in spec.params.values():
            assert f"| `{param.name}` |" in text
