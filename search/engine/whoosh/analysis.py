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
Council will be reformed``. Keeping the gap keeps a loose phrase's layout (a
stop word stands for any stop word); the query layer uses the same gaps when
it builds loose phrase queries.

The normaliser is a pure function of the raw token, so its results are cached:
a UN speech repeats the same few thousand word forms, and the cache makes
stemming nearly free on the indexing hot path.

Exact phrases
-------------
A phrase in quotes is matched letter for letter (up to case, accents, the
apostrophe's style and punctuation), stop words included, on fields of their
own (``text_exact``, ``quote_exact``), analysed by ``ExactFilter``: each word's
*exact form* (``détente`` -> ``detente``, ``China’s`` -> ``china's``,
``U.S.`` -> ``us``, ``1,000`` -> ``1000``; no stemming, no stop list), at the
same positions as the stemmed field. Stop words are in nearly every unit,
so a phrase that holds them would read their long postings; the field also
holds *common grams* (after Lucene's CommonGrams, one way only): each stop word
with the word after it, as one term (``of peoples``) at the stop word's
position. A phrase is then matched on its grams and on the words no gram
covers (``ExactFilter.plan``): ``"to be or not to be"`` reads ``to be``,
``be or``, ``or not``, ... whose postings are short, never ``to`` or ``be``
alone; only a stop word that ends a phrase (``"the right of"``) is read on its
own. Grams the other way too (``right of``) would spare that at a fifth more
index (measured on the default corpus: 109 against 89 MB).

The 200 content words found in most UN speeches (``frequent_words.txt``:
``international``, ``security``, ``new``, ``economic``) open grams too: their
postings are nearly as long as a stop word's, and ``"New International Economic
Order"`` is then read as ``new international``, ``international economic``,
``economic order``, whose postings are short. Every pair of words (Elasticsearch's
``index_phrases``) was measured too: phrases three times faster, but twice the
index and 1.8 times the build; the frequent words cost a fraction of that.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
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
        return cached(self._cache, raw, self._compute)

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


def cached(cache: dict, raw: str, compute):
    """``compute(raw)`` through a bounded cache: analysis is a pure function of the raw token."""
    try:
        return cache[raw]
    except KeyError:
        pass
    if len(cache) > _CACHE_LIMIT:
        cache.clear()
    value = cache[raw] = compute(raw)
    return value


class ExactFilter(Filter):
    """Raw word -> its exact form, plus a common gram with the word before when that one
    opens grams: a stop word or a frequent word (see the module docstring). ``mode="query"``
    gives the words only."""

    def __init__(self, stop_words: Iterable[str] = STOP_WORDS, fold_accents: bool = True,
                 frequent: Iterable[str] = ()) -> None:
        self.stop_words = frozenset(stop_words)
        self.fold_accents = fold_accents
        self.gram_starts = self.stop_words | frozenset(frequent)
        self._cache: dict[str, str] = {}

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, ExactFilter) and other.stop_words == self.stop_words
                and other.fold_accents == self.fold_accents
                and other.gram_starts == self.gram_starts)

    def __getstate__(self) -> dict:
        return dict(self.__dict__, _cache={})

    def __setstate__(self, state: dict) -> None:
        # an index written before frequent words opened grams: its stop words alone did
        state.setdefault("gram_starts", state["stop_words"])
        self.__dict__.update(state)

    def exact(self, raw: str) -> str:
        """The exact form of one raw token: what letter-for-letter matching compares."""
        return cached(self._cache, raw, self._exact)

    def _exact(self, raw: str) -> str:
        word = raw.replace("’", "'")
        if _ACRONYM.fullmatch(word):
            word = word.replace(".", "")
        elif word[0].isdigit():
            word = word.replace(",", "")
        word = word.casefold()
        if self.fold_accents:
            word = fold(word)
        return word

    def plan(self, words: list[str]) -> list[tuple[str, int]]:
        """A phrase's exact words as the (term, offset) pairs that pin every word down: the
        common gram of each gram-opening word followed by another word of the phrase, and
        each word that no gram covers."""
        starts = self.gram_starts
        plan: list[tuple[str, int]] = []
        covered = [False] * len(words)
        for i, (a, b) in enumerate(zip(words, words[1:])):
            if a in starts:
                plan.append((gram(a, b), i))
                covered[i] = covered[i + 1] = True
        plan.extend((w, i) for i, w in enumerate(words) if not covered[i])
        return plan

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        exact, stop = self.exact, self.gram_starts
        before = None  # (exact form, pos, startchar) of the previous word
        for token in tokens:
            word = exact(token.text)
            if token.mode != "query" and before is not None and before[0] in stop:
                token.text = gram(before[0], word)
                pos, start = getattr(token, "pos", None), getattr(token, "startchar", None)
                if token.positions:
                    token.pos = before[1]
                if token.chars:
                    token.startchar = before[2]
                yield token
                if token.positions:
                    token.pos = pos
                if token.chars:
                    token.startchar = start
            token.text = word
            before = (word, getattr(token, "pos", None), getattr(token, "startchar", None))
            yield token


def gram(a: str, b: str) -> str:
    """The common gram of two neighbouring exact words (a space never occurs in a word)."""
    return f"{a} {b}"


def exact_filter(analyzer) -> ExactFilter | None:
    """The ExactFilter of an exact field's analyzer (None for another analyzer)."""
    return next((f for f in getattr(analyzer, "items", ()) if isinstance(f, ExactFilter)), None)


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


def make_exact_analyzer(stop_words: Iterable[str] | str | None = "default",
                        fold_accents: bool = True):
    """The analyzer of the exact-phrase fields: exact forms and common grams, no stemming.
    Grams open on the stop words and on FREQUENT_WORDS."""
    if stop_words == "default":
        stop_words = STOP_WORDS
    return WordTokenizer() | ExactFilter(stop_words or (), fold_accents, FREQUENT_WORDS)


def _frequent_words() -> frozenset[str]:
    """The words of frequent_words.txt (beside this module; ``#`` lines are comments)."""
    lines = (Path(__file__).with_name("frequent_words.txt").read_text(encoding="utf-8")
             .splitlines())
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


# Content words in most speeches (``international``, ``security``, ``new``): their postings
# are nearly as long as a stop word's, so they open common grams too.
FREQUENT_WORDS = _frequent_words()
