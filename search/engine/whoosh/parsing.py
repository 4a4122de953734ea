"""Query text -> a Whoosh query over one kind of unit, with a safe fallback.

A query with a syntax error is not an error: it falls back to its plain words
and says so in ``warnings``. Plain words without operators must mostly match
(a half-remembered quote); a document's title words match too, with a boost.

A phrase in quotes is matched letter for letter, stop words included
(``phrase="exact"``, the default: ``VerbatimPhrase`` on the unit's exact
field), or loosely, any word endings and any stop words in its gaps
(``phrase="loose"``: ``ExactPhrase`` on the stemmed field). Words outside
quotes are stemmed and stop words dropped either way.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from difflib import get_close_matches

from whoosh import query as wq
from whoosh.qparser import QueryParser

from search.engine.interface import Limits, QueryWords, RequestError
from search.engine.whoosh.matchers import MinMatch, VerbatimPhrase, use_exact_phrases
from search.engine.whoosh.schema import EXACT_FIELDS, SEARCH_FIELDS
from search.fields import VALUE_FACETS

_OPERATORS = re.compile(r"\b(AND|OR|NOT|ANDNOT|ANDMAYBE)\b")
# Markdown emphasis (``**word**``), common in pasted speeches: two or more asterisks
_EMPHASIS = re.compile(r"\*{2,}")
# ``name:`` outside phrases: a field the query names
_FIELD = re.compile(r"(?<![\w\\])(\w+):")
# a phrase in straight quotes (curly ones are made straight before parsing)
QUOTED = re.compile(r'"[^"]*"')
# Fields a query may name; the schema's other fields are stored or column-only and hold no
# terms (``key:x`` used to reach Whoosh and fail with a 500).
QUERY_FIELDS = frozenset({"text", "title", "passage_text", "quote_text", *VALUE_FACETS, "unit",
                          "doc_id", "id", "file", "kind", "year", "date", "country_code"})
PHRASE_MODES = ("exact", "loose")
TITLE_BOOST = 2.0
# ``speaker:smith`` names at most this many values (every Smith); the words of a value
MAX_NAMED = 50
_VALUE_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
# Queries that expand over a field's term list: counted against max_expansions before any
# matcher is built (building one for ``text:[a TO z]`` or ``passage_text:*`` took seconds).
_EXPANDING = (wq.Prefix, wq.Wildcard, wq.FuzzyTerm, wq.Regex, wq.TermRange)


@dataclass
class ParsedQuery:
    query: wq.Query
    warnings: list[str]
    terms: list[str]          # analysed positive words, for highlighting and proximity
    phrases: list[list[str]]  # analysed phrases, highlighted as one span
    field: str = "text"       # the full-text field searched
    loose: list[str] = dataclasses.field(default_factory=list)  # words outside phrases
    exact: list[list[str]] = dataclasses.field(default_factory=list)  # phrases letter for letter
    text: str = ""            # the query's text outside quoted phrases, as typed

    @property
    def words(self) -> QueryWords:
        return QueryWords(self.terms, self.phrases, self.loose, self.exact)

    @property
    def verbatim(self) -> list[VerbatimPhrase]:
        """The phrases matched letter for letter."""
        return [leaf for leaf in self.query.leaves() if isinstance(leaf, VerbatimPhrase)]


def parse_query(q: str, schema, limits: Limits, unit: str = "document",
                phrase: str = "exact") -> ParsedQuery:
    """Whoosh syntax over the unit's own fields, or the plain words when the syntax is broken.

    ``phrase``: "exact" (quoted phrases letter for letter) or "loose" (see the module doc).
    """
    warnings: list[str] = []
    field = SEARCH_FIELDS[unit][0]
    q = _EMPHASIS.sub(" ", q)  # **bold** pasted from a speech is not a wildcard
    if not q.strip():
        return ParsedQuery(wq.Every(), warnings, [], [], field)
    problem = syntax_problem(q)
    if problem:
        warnings.append(f"{problem}: searched for the words instead")
        q = plain_words(q)
        if not q:
            return ParsedQuery(wq.NullQuery, warnings, [], [], field)
    _refuse_unsearchable(q, schema)
    parser = use_exact_phrases(QueryParser(field, schema),
                               *_exact_routes(schema, phrase, q, warnings))
    try:
        query = parser.parse(q)
    except Exception as exc:  # Whoosh raises bare Exceptions, e.g. for date:[a TO b]
        raise RequestError("bad_query", f"the query cannot be read: {exc}", "q") from None
    _refuse_unsearchable_leaves(query)
    query = _all_of_a_field(query, SEARCH_FIELDS[unit])
    if not _OPERATORS.search(q):
        query = _require_most_words(query)
    verbatim = [leaf for leaf in query.leaves() if isinstance(leaf, VerbatimPhrase)]
    # a verbatim phrase's stemmed words count as the query's words (proximity, best passage),
    # as they would in a loose search
    terms = [t for f, t in query.iter_all_terms() if f == field] + \
        [w for v in verbatim if v.shadow for w in v.shadow.words]
    count = len(terms) + sum(len(v.words) - len(v.shadow.words if v.shadow else ())
                             for v in verbatim)
    if count > limits.max_terms:
        raise RequestError("too_many_terms", f"the query has {count} terms; the limit is "
                                             f"{limits.max_terms}", "q")
    phrases = [list(p.words) for p in query.leaves() if isinstance(p, wq.Phrase)
               and p.fieldname == field]  # "..." and hyphenated words alike
    words = list(dict.fromkeys(t.decode() if isinstance(t, bytes) else t for t in terms))
    loose = [t.text for t in query.leaves() if isinstance(t, wq.Term) and t.fieldname == field]
    if "title" in SEARCH_FIELDS[unit]:
        query = _with_titles(query, field)
    return ParsedQuery(query, warnings, words, phrases, field, list(dict.fromkeys(loose)),
                       [list(v.words) for v in verbatim], QUOTED.sub(" ", q))


def _exact_routes(schema, phrase: str, q: str, warnings: list[str]) -> tuple[dict, object]:
    """Where quoted phrases go: ``{stemmed field: (exact field, unit it matches)}`` and the
    exact fields' analyzer; nothing for loose phrases, or for an index written before exact
    phrases (which says so when the query holds a phrase)."""
    if phrase not in PHRASE_MODES:
        raise RequestError("unknown_phrase", f"phrase must be one of {', '.join(PHRASE_MODES)} "
                                             f"(got {phrase!r})", "phrase")
    if phrase == "loose":
        return {}, None
    if not all(name in schema for name in EXACT_FIELDS.values()):
        if '"' in q:
            warnings.append("this index was built before exact phrases: phrases matched "
                            "loosely; rebuild it (dipsearch index --rebuild)")
        return {}, None
    routes = {SEARCH_FIELDS[unit][0]: (field, unit) for unit, field in EXACT_FIELDS.items()}
    return routes, schema[EXACT_FIELDS["document"]].analyzer


def _with_titles(query: wq.Query, field: str) -> wq.Query:
    """Every word outside phrases matches the title too, where it weighs TITLE_BOOST.

    A headline's words are the ones a reader remembers (``Quad``, ``pledge``):
    a document is found by any of them even when its text never repeats it,
    and a word in both counts twice. Title postings are short (one title a
    document), so the alternatives cost little.
    """
    def rewrite(node: wq.Query) -> wq.Query:
        if type(node) is wq.Term and node.fieldname == field:
            return wq.Or([node, wq.Term("title", node.text, boost=TITLE_BOOST)])
        return node
    return query.accept(rewrite)


def _require_most_words(query: wq.Query) -> wq.Query:
    """Plain words: all of up to three, three of four, most of more (a half-remembered quote).

    Only called for queries without explicit operators, whose top level is
    the parser's implicit AND of words and phrases.
    """
    if type(query) is wq.And and len(query.subqueries) >= 4:
        n = len(query.subqueries)
        return MinMatch(query.subqueries, n - n // 4)
    return query


def syntax_problem(q: str) -> str | None:
    """What is wrong with a query's syntax, in words a journalist understands."""
    if q.count('"') % 2:
        return "unbalanced quotation mark"
    depth = 0
    for char in QUOTED.sub("", q):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return "unbalanced parenthesis"
    if depth:
        return "unbalanced parenthesis"
    tokens = QUOTED.sub(" PHRASE ", q).split()
    if tokens and tokens[-1] in ("AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"):
        return f"dangling {tokens[-1]}"
    if tokens and tokens[0] in ("AND", "OR", "ANDNOT", "ANDMAYBE"):
        return f"dangling {tokens[0]}"
    for a, b in zip(tokens, tokens[1:]):
        if a in ("AND", "OR") and b in ("AND", "OR"):
            return f"{a} followed by {b}"
    for match in re.finditer(r"(\w+):(\S*)", QUOTED.sub("PHRASE", q)):
        if not match.group(2):
            return f"nothing after {match.group(1)}:"
    return None


def plain_words(q: str) -> str:
    """The words of a broken query, with operators and syntax characters removed."""
    q = _OPERATORS.sub(" ", q)
    return " ".join(re.sub(r"[\"()\[\]{}^~:*?\\]+", " ", q).split())


def _refuse_unsearchable(q: str, schema) -> None:
    """400 for ``name:`` naming a field of the schema that holds no searchable terms."""
    outside = QUOTED.sub(" ", q)
    for name in _FIELD.findall(outside):
        if name in schema and name not in QUERY_FIELDS:
            raise RequestError("unknown_field", f"{name}: cannot be searched; fields you can "
                                                f"name: {', '.join(sorted(QUERY_FIELDS))}", "q")


def _refuse_unsearchable_leaves(query: wq.Query) -> None:
    """The same check on the parsed query: escapes such as ``\\key:x`` still name a field.
    The exact-phrase fields are read by quoted phrases only."""
    for leaf in query.leaves():
        if isinstance(leaf, VerbatimPhrase):
            continue
        name = getattr(leaf, "fieldname", None)
        if name and name != "*" and name not in QUERY_FIELDS:
            raise RequestError("unknown_field", f"{name}: cannot be searched; fields you can "
                                                f"name: {', '.join(sorted(QUERY_FIELDS))}", "q")


def _all_of_a_field(query: wq.Query, own: tuple[str, ...]) -> wq.Query:
    """``field:*`` on the unit's own text means every unit of the kind: no term list to read.

    Whoosh's ``Every(field)`` builds a union of every term of the field (seconds
    on a large index); every unit of a kind has its text, so ``Every()``,
    limited to the unit by ``within_unit``, matches the same. ``Every`` on
    another field stays, and counts as an expansion of that field's terms.
    """
    def rewrite(node: wq.Query) -> wq.Query:
        if isinstance(node, wq.Every) and node.fieldname in own:
            return wq.Every(boost=node.boost)
        return node
    return query.accept(rewrite)


def forgive_values(parsed: ParsedQuery, reader) -> None:
    """``speaker:gromyko`` finds ``Andrei Gromyko``: a value-facet term the index does not
    hold matches the values it names, ignoring case, whole or as one of their words (a
    surname); when none does, a warning names the nearest values instead."""
    def rewrite(node: wq.Query) -> wq.Query:
        if type(node) is not wq.Term or node.fieldname not in VALUE_FACETS \
                or (node.fieldname, node.text) in reader:
            return node
        values = _values(reader, node.fieldname)
        named = _named(values, node.text)
        if named:
            return wq.Or([wq.Term(node.fieldname, v, boost=node.boost) for v in named])
        names = {word: v for v in values for word in _VALUE_WORD.findall(v.casefold())[-1:]}
        names.update((v.casefold(), v) for v in values)  # surnames, then whole values
        close = get_close_matches(node.text.casefold(), names, n=6)
        nearest = list(dict.fromkeys(names[c] for c in close))[:3]
        parsed.warnings.append(f"no {node.fieldname} is named {node.text!r}" + (
            f"; nearest: {', '.join(nearest)}" if nearest else ""))
        return node
    parsed.query = parsed.query.accept(rewrite)


def _values(reader, field: str) -> list[str]:
    """Every value of a facet field in the index (cached on the reader)."""
    cache = reader.__dict__.setdefault("_dipsearch_values", {})
    if field not in cache:
        cache[field] = [v.decode("utf-8") for v in reader.lexicon(field)] \
            if field in reader.indexed_field_names() else []
    return cache[field]


def _named(values: list[str], text: str) -> list[str]:
    """The values ``text`` names: equal ignoring case, or holding its words as words."""
    wanted = text.casefold().split()
    whole = [v for v in values if v.casefold().split() == wanted]
    if whole or not wanted:
        return whole
    return [v for v in values
            if set(wanted) <= set(_VALUE_WORD.findall(v.casefold()))][:MAX_NAMED]


def check_expansions(query: wq.Query, reader, limit: int) -> None:
    """Refuse a query part that expands to more than ``limit`` terms, before it runs.

    Wildcards, prefixes, fuzzy terms, regular expressions and term ranges
    (``a*``, ``text:[a TO z]``) and ``field:*`` on a field that is not the
    unit's text are counted on the term list, stopping at the limit.
    """
    for leaf in query.leaves():
        if isinstance(leaf, _EXPANDING):
            # Whoosh 2.7.5 private: MultiTerm._btexts (the query's expansions, lazily)
            expansions = leaf._btexts(reader)
        elif isinstance(leaf, wq.Every) and leaf.fieldname not in (None, "*"):
            indexed = leaf.fieldname in reader.indexed_field_names()
            expansions = reader.lexicon(leaf.fieldname) if indexed else ()
        else:
            continue
        for count, _ in enumerate(expansions, 1):
            if count > limit:
                raise RequestError("too_many_expansions",
                                   f"{leaf} matches more than {limit} words: make it longer "
                                   "or narrower", "q")
