"""OParl records built from a folder pass the same boundary as every parsed file: one line per bad object, control
characters out, and one malformed meeting never stops the papers beside it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from assistant.errors import ParseError
from ingest.oparl.folder import plan_folder
from ingest.parsers import ParseContext
from tests.conftest import FIXTURES


def test_malformed_objects_are_one_line_each_and_the_rest_is_read(tmp_path: Path) -> None:
    paper = tmp_path / "karlsruhe_paper_28190.json"
    shutil.copy(FIXTURES / "karlsruhe_paper_28190.json", paper)
    data = json.loads(paper.read_text(encoding="utf-8"))
    data["name"] = "Radweg\x1b]8;;http://evil.example\x07 Durlach\x00"
    paper.write_text(json.dumps(data), encoding="utf-8")
    broken = {
        "meeting_types.json": {"id": "m1", "type": "https://schema.oparl.org/1.1/Meeting", "name": 5,
                               "start": {"x": 1}, "organization": "not-a-list", "agendaItem": 7},
        "meeting_deep.json": {"id": "m2", "agendaItem": [{"name": [[["x"]]], "public": "vielleicht"}],
                              "start": 1700000000},
        "paper_garbage.json": {"id": "p9", "reference": "X", "name": "\ufffd" * 400, "paperType": "Antrag"},
    }
    for name, obj in broken.items():
        (tmp_path / name).write_text(json.dumps(obj), encoding="utf-8")
    files = sorted(tmp_path.iterdir())
    plan = plan_folder(files, ParseContext())
    good = plan.record(paper)
    assert good is not None and "\x1b" not in good.title and "\x00" not in good.title
    assert "evil.example" in good.title or "Radweg" in good.title
    for name in broken:
        try:
            plan.record(tmp_path / name)
        except ParseError as exc:
            assert "\n" not in str(exc) and name in str(exc)
