"""Word-level helpers every stage uses: the tokeniser, vocabulary look-up forms, span trimming."""

from __future__ import annotations

import re
from functools import lru_cache

from search.ingest.names import CAPITALISED_WORD
from search.ingest.quotes.vocabulary import ABBREVIATED_TITLES, CAP_STOP, DETERMINERS

# A word with inner full stops (U.S., U.N.-backed), an abbreviation or initial with its full
# stop (Mr., J.), a plain word (O'Neill, Indo-Pacific), or one punctuation character.
TOKEN = re.compile(rf"[^\W_][\w’'-]*(?:\.[\w’'-]+)+\.?|(?:{'|'.join(ABBREVIATED_TITLES)}|[A-Z])\.|"
                   r"[^\W_][\w’'-]*|[^\w\s]")
_CAPITALISED = re.compile(rf"{CAPITALISED_WORD}$")
_POSSESSIVE_ENDINGS = ("'s", "’s", "'", "’")


def is_cap(word: str) -> bool:
    """A capitalised word that can belong to a name (not a sentence-opening function word)."""
    low = word.lower()
    return bool(_CAPITALISED.match(word)) and low not in CAP_STOP and low not in DETERMINERS


@lru_cache(maxsize=1 << 16)
def bare(word: str) -> str:
    """Lowercased word without a possessive or final full stop, for vocabulary look-ups (cached:
    the same few thousand words are looked up again and again)."""
    low = word.lower()
    for suffix in _POSSESSIVE_ENDINGS:
        if low.endswith(suffix):
            low = low[: -len(suffix)]
            break
    return low.rstrip(".") if len(low) > 2 and low.count(".") == 1 else low


def possessive(word: str) -> bool:
    """``Japan's``, ``ministers'``: a word that qualifies the next one rather than naming."""
    return word.endswith(("'s", "’s", "s'", "s’"))


def strip_span(text: str, start: int, end: int, chars: str = " \t\n\r") -> tuple[int, int]:
    """``[start, end)`` narrowed past ``chars`` at both ends."""
    while start < end and text[start] in chars:
        start += 1
    while end > start and text[end - 1] in chars:
        end -= 1
    return start, end


def trie(words: list[str]) -> str:
    """The words as one trie-shaped regex ('sa(?:y(?:s|ing)?|id)'), so the regex engine reads
    each letter once: a flat alternation is several times slower over 200 M characters."""
    root: dict = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _trie_pattern(root)


def _trie_pattern(node: dict) -> str:
    """A trie node as a regex: its branches, optional if a word ends here."""
    branches = [re.escape(char) + _trie_pattern(child) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
    return f"(?:{body})?" if "" in node else body
