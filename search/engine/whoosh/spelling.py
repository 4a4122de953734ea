"""'Did you mean': a close, much more frequent word for each rare word of a query.

The index holds stems (``disarma``), which are no use to show a reader, so a
candidate stem is turned back into a word by finding it in a passage and
taking the word as written there.
"""

from __future__ import annotations

import re

from whoosh import query as wq

from search.engine.whoosh.parsing import QUOTED
from search.engine.whoosh.scoring import live_frequency

SUSPECTS = 3  # words of a query looked up, rarest first
_WORD = re.compile(r'(?<![\w:"])([^\W\d_][\w\'-]{2,})(?![\w:])')


def suggest(searcher, q: str, parsed) -> str | None:
    """The query with misspelt words replaced, or None when nothing better is known."""
    analyzer = searcher.schema["text"].analyzer
    reader = searcher.reader()
    changed = q
    for word, term, frequency in _suspects(reader, analyzer, q):
        better = _better_term(reader, term, frequency)
        surface = _surface(searcher, analyzer, better) if better else None
        if surface and surface.casefold() != word.casefold():
            changed = changed.replace(word, surface, 1)
    return changed if changed != q else None


def _suspects(reader, analyzer, q: str) -> list[tuple[str, str, int]]:
    """(word, term, frequency) of the rarest SUSPECTS words that a more frequent word could
    replace. A lexicon scan costs ~40 ms a word on UNGDC: a pasted sentence is not scanned
    word by word, and a word too frequent for any other to be ten times more is skipped."""
    units = reader.doc_count()
    found = []
    for match in _WORD.finditer(_outside_phrases(q)):
        word = match.group(1)
        terms = [t.text for t in analyzer(word)]
        if word in ("AND", "OR", "NOT") or len(terms) != 1 or len(terms[0]) < 3:
            continue  # under 3 letters: one edit away from too many words to mean anything
        # a deleted document's words never count; a headline's word is a real word
        frequency = live_frequency(reader, "text", terms[0]) \
            + live_frequency(reader, "title", terms[0])
        if _needed(frequency) <= units:
            found.append((word, terms[0], frequency))
    return sorted(found, key=lambda found: found[2])[:SUSPECTS]


def _needed(frequency: int) -> int:
    """How often a word must occur to replace one of this frequency: any real word for an
    unknown one, else ten times as often."""
    return 1 if frequency == 0 else max(5, 10 * frequency)


def _outside_phrases(q: str) -> str:
    return QUOTED.sub(lambda m: " " * len(m.group(0)), q)


def _better_term(reader, term: str, frequency: int) -> str | None:
    # prefix=2: typos in the first two letters are rare, and it makes the lexicon scan 15x cheaper
    candidates = {c: live_frequency(reader, "text", c)
                  for c in reader.terms_within("text", term, 2, prefix=2) if c != term}
    candidates = {c: n for c, n in candidates.items() if n}
    if not candidates:
        return None
    best = max(candidates, key=candidates.__getitem__)
    return best if candidates[best] >= _needed(frequency) else None


def _surface(searcher, analyzer, term: str) -> str | None:
    for hit in searcher.search(wq.Term("passage_text", term), limit=1):
        body = hit.get("body", "")
        for token in analyzer(body, chars=True):
            if token.text == term:
                return body[token.startchar:token.endchar].lower()
    return None
