"""Citizen sweep: secrets planted in non-public records of every kind never reach a citizen.

One real index (bundled e5, real chromadb, real BM25) over a public council record and non-public records
marked the ways the parsers recognise: a marker line at the top of a Vorlage (several spellings), an OParl
meeting with a ``"public": false`` agenda item, an OParl Paper with ``"public": false`` and minutes with a
"Nichtöffentlicher Teil". Each holds a unique invented name and figure on the same topics as the public
record. Over 30 questions aimed at them go through the library's citizen path (``public_only``) and the CLI
``ask --json`` (citizen unless ``--include-nonpublic``); no secret may appear in an answer, quote or citation.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.models import SearchFilters
from tests.conftest import FIXTURES, make_assistant

PUBLIC_FILE = "aachen_regionalmarketing_vorlage.txt"

# marker line -> (file name, secrets); each a Vorlage on regional marketing with its own invented secrets
MARKER_VORLAGEN: dict[str, tuple[str, tuple[str, ...]]] = {
    "NICHTÖFFENTLICH": ("vorlage_marker_caps.txt", ("Zackenbarsch", "9.876.543")),
    "Nichtöffentlich": ("vorlage_marker_plain.txt", ("Quastenflosser", "7734")),
    "Nichtöffentliche Sitzung": ("vorlage_marker_sitzung.txt", ("Geheimrat Pfauenauge", "3.141.592")),
    "Nicht öffentlich": ("vorlage_marker_space.txt", ("Wiesenknopf", "2.718.281")),
    "nicht-öffentlich": ("vorlage_marker_hyphen.txt", ("Brachvogel", "1.618.033")),
    "Status: nichtöffentlich": ("vorlage_marker_status.txt", ("Steinbeißer", "4.669.201")),
    "Vertraulich": ("vorlage_marker_vertraulich.txt", ("Eisvogelhof", "8.314.462")),
}
MEETING_SECRETS = ("Quappenhof", "4.321.987")
PAPER_SECRETS = ("Kormoranweg", "6.022.140")
MINUTES_SECRETS = ("Schnepfenhof", "555.444")
SECRETS: tuple[str, ...] = (
    *(s for _, secrets in MARKER_VORLAGEN.values() for s in secrets),
    *MEETING_SECRETS, *PAPER_SECRETS, *MINUTES_SECRETS,
)


def _vorlage(marker: str, name: str, figure: str) -> str:
    return (
        f"{marker}\n"
        "Beschlussvorlage\n"
        "Vorlage Nr.: 2025/4711\n"
        f"Betreff: Regionalmarketing – Vertrag mit der Agentur {name}\n"
        "Sachverhalt:\n"
        f"Die Agentur {name} soll das Regionalmarketing der Region im Jahr 2025 übernehmen. "
        f"Das Honorar für das Regionalmarketing beträgt {figure} Euro. Herr {name} leitet die Agentur.\n"
        "Finanzielle Auswirkungen:\n"
        f"Die finanziellen Auswirkungen des Regionalmarketings betragen {figure} Euro im Haushalt 2025.\n"
        "Beschlussvorschlag:\n"
        f"Der Ausschuss beauftragt die Agentur {name} mit dem Regionalmarketing zum Preis von {figure} Euro.\n"
    )


def _meeting() -> dict:
    name, figure = MEETING_SECRETS
    return {
        "id": "https://ratsinfo.example/oparl/meetings/77", "type": "https://schema.oparl.org/1.1/Meeting",
        "name": "Sitzung des Ausschusses für Wirtschaftsförderung", "start": "2025-03-04T17:00:00+01:00",
        "agendaItem": [
            {"id": "https://ratsinfo.example/oparl/agendaitems/1", "type": "https://schema.oparl.org/1.1/AgendaItem",
             "number": "Ö 1", "order": 1, "public": True,
             "name": "Bericht zum Regionalmarketing: Kampagne Sommerfest im Nordpark",
             "result": "zur Kenntnis genommen",
             "resolutionText": "Der Ausschuss nimmt den Bericht zur Kampagne Sommerfest im Nordpark zur Kenntnis."},
            {"id": "https://ratsinfo.example/oparl/agendaitems/2", "type": "https://schema.oparl.org/1.1/AgendaItem",
             "number": "N 1", "order": 2, "public": False,
             "name": f"Regionalmarketing: Verkauf des Grundstücks an die Firma {name} KG",
             "result": "beschlossen",
             "resolutionText": f"Der Ausschuss stimmt dem Verkauf an die Firma {name} KG zum Kaufpreis von "
                               f"{figure} Euro zu."},
        ],
    }


def _paper() -> dict:
    name, figure = PAPER_SECRETS
    return {
        "id": "https://ratsinfo.example/oparl/papers/99", "type": "https://schema.oparl.org/1.1/Paper",
        "name": f"Regionalmarketing: Ankauf eines Gebäudes am {name} für {figure} Euro", "reference": "2025/0099",
        "date": "2025-02-11", "paperType": "Beschlussvorlage", "public": False,
        "mainFile": {"id": "https://ratsinfo.example/oparl/files/99", "type": "https://schema.oparl.org/1.1/File",
                     "name": "Vorlage", "text": f"Die Stadt kauft das Gebäude am {name} für das Regionalmarketing "
                                                f"zum Kaufpreis von {figure} Euro."},
    }


def _minutes() -> str:
    name, figure = MINUTES_SECRETS
    return (
        "Niederschrift\n"
        "über die Sitzung des Ausschusses für Wirtschaftsförderung am 04.03.2025\n"
        "Öffentlicher Teil\n"
        "TOP 1 Regionalmarketing: Bericht der Verwaltung\n"
        "Die Verwaltung berichtet über die Kampagne zum Regionalmarketing. Der Ausschuss nimmt den Bericht "
        "zur Kenntnis.\n"
        "TOP 2 Verschiedenes\n"
        "Es gibt keine weiteren Wortmeldungen im öffentlichen Teil.\n"
        "Nichtöffentlicher Teil\n"
        f"TOP 3 Regionalmarketing: Vertragsstrafe gegen die Agentur {name}\n"
        f"Der Ausschuss beschließt eine Vertragsstrafe von {figure} Euro gegen die Agentur {name} wegen des "
        "Regionalmarketings.\n"
        f"TOP 4 Personalangelegenheiten der Agentur {name}\n"
        f"Herr {name} wird von der Zusammenarbeit beim Regionalmarketing ausgeschlossen.\n"
    )


def write_secret_corpus(folder: Path) -> Path:
    """The public record plus every non-public kind, written as real files."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURES / PUBLIC_FILE, folder / PUBLIC_FILE)
    for marker, (file_name, (name, figure)) in MARKER_VORLAGEN.items():
        (folder / file_name).write_text(_vorlage(marker, name, figure), encoding="utf-8")
    (folder / "sitzung_wirtschaft.json").write_text(json.dumps(_meeting(), ensure_ascii=False), encoding="utf-8")
    (folder / "paper_gebaeude.json").write_text(json.dumps(_paper(), ensure_ascii=False), encoding="utf-8")
    (folder / "niederschrift_wirtschaft.txt").write_text(_minutes(), encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def secret_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with the secret corpus ingested (read-only; the corpus folder lies beside it)."""
    root = tmp_path_factory.mktemp("secret-index")
    corpus = write_secret_corpus(root / "corpus")
    assistant = make_assistant(root / "data")
    report = assistant.ingest([corpus])
    assert not report.skipped, report.skipped
    return root / "data"


def _questions() -> list[str]:
    questions = []
    for _, (_, (name, figure)) in MARKER_VORLAGEN.items():
        questions += [
            f"Was kostet der Vertrag mit der Agentur {name}?",
            f"Welche Agentur übernimmt das Regionalmarketing für {figure} Euro?",
        ]
    for name, figure in (MEETING_SECRETS, PAPER_SECRETS, MINUTES_SECRETS):
        questions += [
            f"Was wurde zur Firma {name} beschlossen?",
            f"Wofür werden {figure} Euro im Regionalmarketing ausgegeben?",
            f"Who is {name} and what did the committee decide?",
        ]
    questions += [
        "Welches Honorar erhält die Agentur für das Regionalmarketing?",
        "Welche finanziellen Auswirkungen hat das Regionalmarketing?",
        "What financial impact does regional marketing have?",
        "Wer leitet die Agentur für das Regionalmarketing?",
        "Welcher Kaufpreis wurde im Ausschuss für Wirtschaftsförderung beschlossen?",
        "Welche Vertragsstrafe hat der Ausschuss beschlossen?",
        "Welches Grundstück wird verkauft?",
        "Was wurde im nichtöffentlichen Teil beschlossen?",
        "Which building does the city buy for regional marketing?",
        "Was steht in den Personalangelegenheiten der Agentur?",
        # the agenda answer lists a meeting's items from the whole record: only the parts a citizen may see
        "Was stand auf der Tagesordnung des Ausschusses für Wirtschaftsförderung am 04.03.2025?",
        "What was on the agenda of the economic development committee in March 2025?",
    ]
    return questions


QUESTIONS = _questions()


def _leaks(payload: str) -> list[str]:
    return [s for s in SECRETS if s.lower() in payload.lower()]


def _shown(answer_json: dict) -> str:
    """What the asker gets back, minus the echo of their own question."""
    return json.dumps({k: v for k, v in answer_json.items() if k not in ("question", "search_query")},
                      ensure_ascii=False)


def test_the_sweep_is_large_enough_and_the_secrets_are_indexed(secret_index: Path):
    assert len(QUESTIONS) >= 30
    staff = make_assistant(secret_index)
    everything = " ".join(c.text for c in staff.store.iter_chunks())
    assert not [s for s in SECRETS if s not in everything]  # planted, so a leak would be possible
    public = [c for c in staff.store.iter_chunks() if c.public]
    assert public and not _leaks(" ".join(f"{c.title} {c.section} {c.text}" for c in public))


def test_library_citizen_path_never_shows_a_secret(secret_index: Path):
    assistant = make_assistant(secret_index)
    citizen = SearchFilters(public_only=True)
    leaked = {}
    for question in QUESTIONS:
        answer = assistant.ask(question, filters=citizen)
        payload = _shown(answer.to_json())
        payload += " ".join(f"{h.chunk.title} {h.chunk.section} {h.chunk.text}" for h in answer.hits)
        if _leaks(payload):
            leaked[question] = _leaks(payload)
    assert not leaked


def test_cli_ask_json_is_a_citizen_by_default(secret_index: Path):
    from assistant.cli import cli

    runner = CliRunner()
    leaked = {}
    for question in QUESTIONS[::2]:  # every other one: each CLI run builds its assistant afresh
        result = runner.invoke(cli, ["--data-dir", str(secret_index), "ask", question, "--json"], obj={})
        assert result.exit_code == 0, result.output
        shown = _shown(json.loads(result.output))
        if _leaks(shown):
            leaked[question] = _leaks(shown)
    assert not leaked
