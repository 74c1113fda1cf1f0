"""A refused answer carries the configured next step with the question URL-encoded; off by default."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from assistant.cli import cli

ROOT = Path(__file__).resolve().parents[2]
QUESTION = "Wie hoch ist die Hundesteuer in Krefeld & Umgebung?"


def test_refusal_links_to_the_configured_next_step(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("RATSINFO_DATA_DIR", str(tmp_path / "data"))
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(ROOT / "tests" / "fixtures" / "aachen_regionalmarketing_vorlage.txt"),
                               "--json"]).exit_code == 0
    off = json.loads(runner.invoke(cli, ["ask", QUESTION, "--json"]).output)
    assert off["refused"] and off["next_step"] is None and off["as_of"] is None and off["verified"] is None
    monkeypatch.setenv("RATSINFO_NO_ANSWER_LINK", "https://fragdenstaat.de/anfrage-stellen/?subject={question}")
    on = json.loads(runner.invoke(cli, ["ask", QUESTION, "--json"]).output)
    assert on["refused"] and on["next_step"] == (
        "https://fragdenstaat.de/anfrage-stellen/?subject=Wie%20hoch%20ist%20die%20Hundesteuer%20in%20Krefeld"
        "%20%26%20Umgebung%3F")
    text = runner.invoke(cli, ["ask", QUESTION]).output
    assert "Nächster Schritt: https://fragdenstaat.de/" in text
    answered = json.loads(runner.invoke(cli, ["ask", "Welche finanziellen Auswirkungen hat das Regionalmarketing?",
                                              "--json"]).output)
    assert not answered["refused"] and answered["next_step"] is None and answered["as_of"] is None  # undated
