"""German-aware analysis for the lexical index: tokens, stopwords, stemming and compound splitting.

Council German is full of compounds ("Regionalmarketing", "Fahrradstraße", "Haushaltssicherung"); a
question says "Marketing" or "Haushalt". Long words are split where both parts are words the index has
seen on their own, and the parts are indexed beside the whole word.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import Stemmer

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_UMLAUTS = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})
_LINKING = ("s", "es", "n", "en", "er")
_INFLECTION = ("en", "n", "e", "s", "er", "es")
MIN_PART = 4
MIN_COMPOUND = 9

GERMAN_STOPWORDS = frozenset("""
aber alle allem allen aller alles als also am an ander andere anderem anderen anderer anderes auch auf aus
bei bin bis bist da damit dann das dass dasselbe dazu dein deine dem den denn der des dessen dich die dies
diese diesem diesen dieser dieses dir doch dort du durch ein eine einem einen einer eines einig einige er
es etwas euer eure für gegen gewesen hab habe haben hat hatte hatten hier hin hinter ich ihm ihn ihnen ihr
ihre im in indem ins ist jede jedem jeden jeder jedes jene jetzt kann kein keine können könnte machen man
manche mein meine mich mir mit muss musste nach nicht nichts noch nun nur ob oder ohne sehr sein seine
sich sie sind so solche soll sollte sondern sonst über um und uns unser unter viel vom von vor war waren
warum was weil welche welchem welchen welcher welches wenn werde werden wie wieder will wir wird wirst wo
wollen wollte würde würden zu zum zur zwar zwischen wurde wurden gibt geht sowie bzw ggf wer wann wieviel
wieviele welche
""".split())

ENGLISH_STOPWORDS = frozenset("""
a about above after again against all am an and any are as at be because been before being below between
both but by can could did do does doing down during each few for from further had has have having he her
here hers herself him himself his how i if in into is it its itself just me more most my myself no nor not
now of off on once only or other our ours out over own same she should so some such than that the their
theirs them themselves then there these they this those through to too under until up very was we were
what when where which while who whom why will with would you your yours there's what's does did was
""".split())

STOPWORDS = GERMAN_STOPWORDS | ENGLISH_STOPWORDS


def normalise(text: str) -> str:
    return unicodedata.normalize("NFC", text).lower()


def words(text: str) -> list[str]:
    """Lowercase word tokens (letters and digits), without stopwords."""
    return [w for w in _WORD.findall(normalise(text)) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]


class GermanAnalyzer:
    """Tokenizer for BM25: stemmed German words plus the parts of known compounds."""

    def __init__(self, lexicon: Iterable[str] = ()) -> None:
        self._stemmer = Stemmer.Stemmer("german")
        self.lexicon: set[str] = set(lexicon)

    def learn(self, texts: Iterable[str]) -> None:
        """Add the words of these texts to the compound-splitting lexicon."""
        for text in texts:
            self.lexicon.update(w for w in words(text) if len(w) >= MIN_PART and w.isalpha())

    def split_compound(self, word: str) -> list[str]:
        """Parts of a compound whose pieces are both known words ('regionalmarketing' -> regional, marketing)."""
        if len(word) < MIN_COMPOUND or not word.isalpha():
            return []
        best: list[str] = []
        for i in range(len(word) - MIN_PART, MIN_PART - 1, -1):
            head = word[:i]
            known_tail = self._known(word[i:])
            if known_tail is None:
                continue
            tail = known_tail
            candidates = [head] + [head[: -len(s)] for s in _LINKING if head.endswith(s)]
            for cand in candidates:
                if len(cand) >= MIN_PART and cand in self.lexicon:
                    return [cand, tail]
            if not best:
                best = [tail]
        return best

    def _known(self, part: str) -> str | None:
        """``part`` or its uninflected form ('straßen' -> 'straße') when the lexicon knows it."""
        if part in self.lexicon:
            return part
        for ending in _INFLECTION:
            if part.endswith(ending) and len(part) - len(ending) >= MIN_PART and part[: -len(ending)] in self.lexicon:
                return part[: -len(ending)]
        return None

    def stem(self, word: str) -> str:
        return self._stemmer.stemWord(word).translate(_UMLAUTS)

    def tokens(self, text: str) -> list[str]:
        out: list[str] = []
        for word in words(text):
            out.append(self.stem(word))
            out.extend(self.stem(part) for part in self.split_compound(word))
        return out
