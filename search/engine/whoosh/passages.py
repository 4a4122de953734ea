"""Which paragraph of a document hit to show: the one where the query's words are.

A document unit keeps where each of its paragraphs starts in its token
positions (``starts``, written by ``search.engine.whoosh.postings``). The positions of the
query's words in the document, read once per request for proximity, then
say which paragraph holds which word, so choosing the best passage needs no
second search over passage postings (whose long lists Whoosh can only skip
through block by block). Paragraphs are scored with BM25 over their own
length; one that holds a quoted phrase letter for letter (read on the exact
field for the page's documents) beats any other, then one that holds a
phrase's layout of stems.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from typing import Iterable

from whoosh import query as wq

from search.engine.whoosh.postings import PARAGRAPH_GAP
from search.engine.whoosh.proximity import Found

K1, B = 1.2, 0.75

Layout = tuple[list[int], list[int]]  # a phrase: its words (indexes into the terms), offsets


def phrase_layouts(query: wq.Query, field: str, terms: list[str]) -> list[Layout]:
    """The phrases of a query on ``field`` (a verbatim phrase: its stems' layout), as word
    indexes and offsets."""
    index = {t: i for i, t in enumerate(terms)}
    layouts = []
    for leaf in query.leaves():
        leaf = getattr(leaf, "shadow", leaf)  # a VerbatimPhrase's stemmed twin (or None)
        if isinstance(leaf, wq.Phrase) and leaf.fieldname == field and leaf.slop <= 1 \
                and all(w in index for w in leaf.words):
            offsets = getattr(leaf, "offsets", None) or list(range(len(leaf.words)))
            layouts.append(([index[w] for w in leaf.words], offsets))
    return layouts


def best_paragraph(found: Found, starts: list[int], weights: list[float],
                   layouts: list[Layout], exact_at: Iterable[int] = ()) -> int | None:
    """The index of the paragraph that best matches, or None when no word is in any.

    ``weights`` are the words' idf; ``exact_at`` the positions where a quoted phrase
    starts letter for letter: paragraphs holding one come first; ties go to the earlier
    paragraph.
    """
    count = len(starts) - 1
    exact = {p for p in (bisect_right(starts, at) - 1 for at in exact_at) if 0 <= p < count}
    if count < 1 or not (found or exact):
        return None
    tf: dict[int, Counter] = {}
    by_word: dict[int, set[int]] = {}
    for pos, word in found:
        paragraph = bisect_right(starts, pos) - 1
        if 0 <= paragraph < count:
            tf.setdefault(paragraph, Counter())[word] += 1
        by_word.setdefault(word, set()).add(pos)
    phrased = Counter(bisect_right(starts, start) - 1
                      for start in _phrase_starts(by_word, layouts))
    average = max(1.0, (starts[-1] - starts[0]) / count - PARAGRAPH_GAP)

    def bm25(paragraph: int) -> float:
        norm = K1 * (1 - B + B * max(1, starts[paragraph + 1] - starts[paragraph]
                                     - PARAGRAPH_GAP) / average)
        return sum(weights[w] * n * (K1 + 1) / (n + norm)
                   for w, n in tf.get(paragraph, {}).items())

    return max(set(tf) | set(phrased) | exact,
               key=lambda p: (p in exact, phrased[p], bm25(p), -p))


def phrase_starts(found: Found, layouts: list[Layout]) -> list[int]:
    """Positions where a phrase begins with each of its words at its offset."""
    by_word: dict[int, set[int]] = {}
    for pos, word in found:
        by_word.setdefault(word, set()).add(pos)
    return _phrase_starts(by_word, layouts)


def _phrase_starts(by_word: dict[int, set[int]], layouts: list[Layout]) -> list[int]:
    """Positions where a phrase begins with each of its words at its offset."""
    out: list[int] = []
    for words, offsets in layouts:
        if not all(w in by_word for w in words):
            continue
        common = {p - offsets[0] for p in by_word[words[0]]}
        for word, offset in zip(words[1:], offsets[1:]):
            common &= {p - offset for p in by_word[word]}
        out.extend(common)
    return out
