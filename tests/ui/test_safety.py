"""Only public records for citizens; document text never becomes HTML, images or links."""

from __future__ import annotations

import re

import pytest

from tests.ui.conftest import NONPUBLIC_SOURCE, NONPUBLIC_TITLE, STAFF_PASSWORD, XSS_SOURCE
from tests.ui.test_chat import ask
from tests.ui.test_staff import sign_in

NONPUBLIC_QUESTIONS = (
    NONPUBLIC_TITLE,
    "Ankauf Grundstück Kiebitzweg Kaufpreis",
    "Wie hoch ist der Kaufpreis für das Flurstück 4711?",
    "What is the purchase price of plot 4711 on Kiebitzweg?",
    "und der Kaufpreis?",
)


@pytest.mark.parametrize("staff_without_toggle", [False, True])
def test_nonpublic_record_never_reaches_a_citizen(app, staff_without_toggle):
    if staff_without_toggle:  # signed in, but "include non-public" is off: still public only
        sign_in(app, "alice", STAFF_PASSWORD)
    for question in NONPUBLIC_QUESTIONS:
        answer = ask(app, question)
        assert app.session_state["exchanges"][-1].filters.public_only
        assert all(h.chunk.source != NONPUBLIC_SOURCE for h in answer.hits), question
        assert all(c.source != NONPUBLIC_SOURCE for c in answer.citations), question
    rendered = "\n".join(m.value for m in app.markdown if not m.value.startswith(("Ankauf", "Wie", "What")))
    assert "1\\.234\\.567" not in rendered and "1.234.567" not in rendered
    # not even the name of its committee is offered as a filter
    assert "Hauptausschuss" not in app.multiselect(key="filter_bodies").options


def test_staff_who_include_nonpublic_see_it_clearly_marked(app):
    sign_in(app, "alice", STAFF_PASSWORD)
    app.toggle(key="include_nonpublic").set_value(True).run()
    assert "Hauptausschuss" in app.multiselect(key="filter_bodies").options
    answer = ask(app, NONPUBLIC_TITLE)
    assert not app.session_state["exchanges"][-1].filters.public_only
    cited = [c for c in answer.citations if c.source == NONPUBLIC_SOURCE]
    assert cited, "the fixture is findable, so the citizen test above is meaningful"
    expander = app.main.expander[answer.citations.index(cited[0])]
    assert expander.label.startswith("🔒 NICHT ÖFFENTLICH")
    assert any("nur für Mitarbeitende sichtbar" in w.value for w in expander.warning)


UNESCAPED = re.compile(r"(?<!\\)[<>\[\]()!]")


def test_html_and_markdown_in_documents_render_as_text(app):
    answer = ask(app, "Sanierung des Spielplatzes Mühlenteich")
    assert any(c.source == XSS_SOURCE for c in answer.citations)
    values = [m.value for m in app.markdown] + [e.label for e in app.expander]
    joined = "\n".join(values)
    assert "\\<script\\>alert\\(1\\)\\<\\/script\\>" in joined
    assert "\\<img src\\=x onerror\\=alert\\(1\\)\\>" in joined or "onerror" not in joined
    assert "\\!\\[x\\]\\(http\\:\\/\\/\u200b127\\.0\\.0\\.1\\:9\\/x\\.png\\)" in joined or "127" not in joined
    for value in values:
        assert not UNESCAPED.search(value.replace("**", "")), value
    assert not app.get("html")  # no st.html element anywhere
