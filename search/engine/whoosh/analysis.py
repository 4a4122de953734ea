"""Text analysis: a word tokenizer with character offsets, one cached normaliser.

Two composable Whoosh pieces, as Whoosh's own pipeline is built:

* ``WordTokenizer`` is a regular-expression tokenizer: it splits with
  ``WordSpanTokenizer`` (NLTK's ``TokenizerI`` contract on stdlib ``re``, no
  nltk_data needed) and keeps character offsets, so highlighting and
  phrase search work. The word pattern never includes ``*`` or ``_``, so
  Markdown emphasis such as ``**disarmament**`` cannot glue itself to a word.
* ``NormalizeFilter`` turns a raw token into its index term: typographic
  apostrophes, acronyms (``U.S.`` and ``US`` both give ``us``, which is never
  dropped as the pronoun "us"), possessives, case, accent
  folding (``détente`` finds ``detente``) and NLTK's Snowball stemmer (Porter2:
  ``banning`` -> ``ban``, where Whoosh's Porter gives ``bann``).

Stop words are dropped *without renumbering positions*: Whoosh's StopFilter
closes the gap, which lets ``"Security Council reform"`` match ``Security
Council will be reformed``. Keeping the gap keeps phrases exact; the query
layer uses the same gaps when it builds phrase queries.

The normaliser is a pure function of the raw token, so its results are cached:
a UN speech repeats the same few thousand word forms, and the cache makes
stemming nearly free on the indexing hot path.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Iterable, Iterator

from nltk.stem.snowball import SnowballStemmer
from nltk.tokenize.api import TokenizerI
from whoosh.analysis import STOP_WORDS, Filter, Token, Tokenizer

# Acronyms with dots, numbers with separators, words with inner apostrophes.
TOKEN_PATTERN = r"(?:[^\W\d_]\.){2,}|\d+(?:[.,]\d+)*|[^\W_]+(?:['’][^\W_]+)*"
_ACRONYM = re.compile(r"(?:[^\W\d_]\.){2,}")
# All-caps forms that must not fall to the stop list ("US" is not the pronoun "us").
_CAPITAL_ACRONYMS = frozenset({"US", "IT"})
_CACHE_LIMIT = 300_000


class WordSpanTokenizer(TokenizerI):
    """NLTK's regexp tokenizer contract (``tokenize``/``span_tokenize``) on stdlib ``re``.

    NLTK 3.10's ``RegexpTokenizer`` runs every pattern through the ``regex``
    engine under a ReDoS timeout: three times slower on UN speeches (3.9 vs
    12.4 MB/s measured) and unpicklable for Whoosh's indexing subprocesses.
    Our pattern has no nested quantifiers, so it needs no such guard.
    """

    def __init__(self, pattern: str = TOKEN_PATTERN) -> None:
        self.pattern = pattern
        self._regexp = re.compile(pattern)

    def tokenize(self, s: str) -> list[str]:
        return self._regexp.findall(s)

    def span_tokenize(self, s: str) -> Iterator[tuple[int, int]]:
        for match in self._regexp.finditer(s):
            yield match.span()


class WordTokenizer(Tokenizer):
    """Yields one reusable Token per word of the regular expression, with position and span."""

    def __init__(self, pattern: str = TOKEN_PATTERN) -> None:
        self.pattern = pattern
        self._tokenizer = WordSpanTokenizer(pattern)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WordTokenizer) and other.pattern == self.pattern

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True,
                 start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
                 mode: str = "", **kwargs) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = value
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar, token.endchar = start_char, start_char + len(value)
            yield token
            return
        for pos, (start, end) in enumerate(self._tokenizer.span_tokenize(value), start_pos):
            token.text = value[start:end]
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = token.text
            if positions:
                token.pos = pos
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token


class NormalizeFilter(Filter):
    """Raw word -> index term (or None for a stop word), cached per word form."""

    def __init__(self, stemmer: str | None = "english", stop_words: Iterable[str] = STOP_WORDS,
                 fold_accents: bool = True) -> None:
        self.language = stemmer
        self.stop_words = frozenset(stop_words)
        self.fold_accents = fold_accents
        self._stem = SnowballStemmer(stemmer).stem if stemmer else None
        self._cache: dict[str, str | None] = {}

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, NormalizeFilter) and other.language == self.language
                and other.stop_words == self.stop_words
                and other.fold_accents == self.fold_accents)

    def __getstate__(self) -> dict:
        state = dict(self.__dict__, _cache={})
        del state["_stem"]
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._stem = SnowballStemmer(self.language).stem if self.language else None

    def normalize(self, raw: str) -> str | None:
        """The index term for one raw token; None when it is a stop word."""
        try:
            return self._cache[raw]
        except KeyError:
            pass
        if len(self._cache) > _CACHE_LIMIT:
            self._cache.clear()
        term = self._cache[raw] = self._compute(raw)
        return term

    def _compute(self, raw: str) -> str | None:
        word = raw.replace("’", "'")
        acronym = bool(_ACRONYM.fullmatch(word)) or word in _CAPITAL_ACRONYMS
        if word[0].isdigit():
            word = word.replace(",", "")
        word = word.replace(".", "") if acronym else word
        word = word.casefold()
        if word.endswith("'s"):
            word = word[:-2]
        word = word.replace("'", "")
        if self.fold_accents:
            word = fold(word)
        if not word or (not acronym and word in self.stop_words):
            return None
        if self._stem and not word[0].isdigit():
            word = self._stem(word)
        return word

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        normalize = self.normalize
        for token in tokens:
            term = normalize(token.text)
            if term is None:
                if token.removestops:
                    continue
                token.stopped = True
            else:
                token.text = term
            yield token


def fold(text: str) -> str:
    """Strip accents: ``détente`` -> ``detente``, ``São Tomé`` -> ``Sao Tome``."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def make_analyzer(stemmer: str | None = "english", stop_words: Iterable[str] | str | None = "default",
                  fold_accents: bool = True):
    """The analyzer for full-text fields, from the ``analysis`` section of config."""
    if stop_words == "default":
        stop_words = STOP_WORDS
    return WordTokenizer() | NormalizeFilter(stemmer, stop_words or (), fold_accents)
