"""The names a question contains: a place, a body, a person (words a record about the asked thing must carry).

German capitalises every noun, and a citizen's word for a thing is often not the records' word ("Löschboot",
"Personalmangel"): in a German question only a capitalised word in a name position counts ("in Krefeld",
"Gemeinde Nettersheim", "Frau Müller"). English capitalises names, not nouns: there a capitalised word that is
not the first one counts, unless the glossary translates it (a month, "Christmas"). A four-digit year counts too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answer_types import DATE
from assistant.glossary import german_terms
from assistant.text_analysis import STOPWORDS

ANCHOR = re.compile(r"[^\W\d_][\w\-]*|\d{4}", re.UNICODE)
DE_NAME_MARKERS = frozenset({
    "in", "im", "aus", "nach", "bei", "von", "vom", "gemeinde", "stadt", "stadtteil", "ortsteil", "ortschaft",
    "landkreis", "kreis", "bezirk", "herr", "herrn", "frau", "bürgermeister", "bürgermeisterin",
    "oberbürgermeister", "oberbürgermeisterin", "ortsvorsteher", "ortsvorsteherin", "stadtrat", "stadträtin",
})


@dataclass(frozen=True)
class QuestionName:
    text: str
    year: bool  # a four-digit year, not a name


def question_names(question: str, language: str) -> list[QuestionName]:
    """The names (and years) ``question`` contains, in order."""
    tokens = ANCHOR.findall(question)
    out = []
    for i, token in enumerate(tokens):
        is_year = token.isdigit()
        if language == "de":
            is_name = (token[0].isupper() and not token.isupper() and i > 0
                       and tokens[i - 1].lower() in DE_NAME_MARKERS)
        else:
            is_name = token[0].isupper() and i > 0 and not token.isupper()
        if not (is_year or is_name) or token.lower() in STOPWORDS:
            continue
        if language == "en" and not is_year and german_terms(token):
            continue  # an English word the glossary translates ("March", "Christmas")
        if not is_year and DATE.passage.fullmatch(f"{token} 2000"):
            continue  # a month or season ("im Januar 2025", "im Frühjahr"): a time, not a name
        out.append(QuestionName(token, is_year))
    return out
