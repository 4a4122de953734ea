"""Attributions: a cue (``said``, ``according to``, ``adding that``) with its speaker mention
and the content it introduces, before or after it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from search.ingest.quotes.content import DATELINE, LEAD_PP, content_after, content_before, skip_addressee
from search.ingest.quotes.phrases import (
    Mention, abstract, finding_author, mention_at, np_after, np_before, postmodified_after,
)
from search.ingest.quotes.sentences import QuotedText
from search.ingest.quotes.subjects import bare_end, subject
from search.ingest.quotes.vocabulary import (
    ADDRESSEE, AS_QUOTE_ONLY, BARE_CLAUSE, BARE_PARTICIPLES, BARE_QUOTE, BASE_FORMS, BEFORE_QUOTE_ONLY, FINDING,
    FINDINGS, NOUN_VERBS, OWN_WORDS, PARTICIPLE_PATTERNS, PLURAL_FORMS, QUIPPING, REPORTING, SPEECH_NOUNS,
    TEXT_HEADS, VERB_PATTERNS,
)
from search.ingest.quotes.words import bare, is_cap, possessive, strip_span, trie


# Prepositional sources: "according to X", "in the words of X", "In a statement, X ...".
_PREPOSITIONAL = ["according to", "in the words of"] + [
    f"in {article} {manner}{what}" for article in ("a", "an")
    for manner in ("", "joint ", "separate ", "written ", "brief ") for what in ("statement", "interview")]
# What each spelling of a cue is: a verb of the table, a participle, a base form (a cue only
# after a plural subject), a noun of speech before "that" ("X's warning that"), or a
# prepositional source. A verb wins over a base form of the same spelling.
_SORTS: dict[str, str] = {
    **{f"{noun}{plural} that": "noun" for noun in SPEECH_NOUNS for plural in ("", "s")},
    **{cue: "prep" for phrase in _PREPOSITIONAL for cue in (phrase, phrase.capitalize())},
    **dict.fromkeys(PLURAL_FORMS, "base"), **dict.fromkeys(PARTICIPLE_PATTERNS, "part"),
    **dict.fromkeys(VERB_PATTERNS, "verb"),
}
# Any cue spelling, as a whole word after a space, a line break, a double quote mark, a bracket,
# a dash or a slash (not "so-called", not "'s said"). The scan consumes that character instead
# of looking behind: a pattern opening on a small character class lets the regex engine skip to
# candidate positions in C, nearly twice as fast over speeches as a lookbehind tried at every
# position; ``CUE`` then matches the cue itself.
CUE = re.compile(rf"{trie(list(_SORTS))}\b")
_CUE_SCAN = re.compile(rf"[ \t\n\r\"“”‘«»„(\[—–/]{CUE.pattern}")
_PLURAL_BEFORE = re.compile(r"(?:s|men|people|[Tt]hey) $")  # "Critics argue", "fishermen say", "they insist"
_QUOTE_AFTER = re.compile(r"\s*[:,]\s*[\"“‘']")  # 'The placard read: "..."'
_AS_QUOTE_AFTER = re.compile(r"[^.;!?\"“”]{0,120}?\bas\s+[\"“‘']")  # 'referred to it as "a coupon"'


def cue_sort(text: str, m: re.Match) -> str | None:
    """What a cue match is ("verb", "part", "base", "noun" or "prep"), or None where it is no
    cue: a base form after no plural subject ('we argue'), 'read' before no quote."""
    sort = _SORTS[m.group()]
    if sort == "base" and not _PLURAL_BEFORE.search(text, max(0, m.start() - 8), m.start()):
        return None
    if m.group() in BEFORE_QUOTE_ONLY and not _QUOTE_AFTER.match(text, m.end()) or \
            m.group() in AS_QUOTE_ONLY and not _AS_QUOTE_AFTER.match(text, m.end()):
        return None
    return sort


def cues(text: str, start: int = 0, end: int | None = None) -> list[re.Match]:
    """The cue matches in ``text[start:end]``."""
    end = len(text) if end is None else end
    found = [CUE.match(text, m.start() + 1, end) for m in _CUE_SCAN.finditer(text, max(0, start - 1), end)]
    first = CUE.match(text, 0, end) if start == 0 else None  # a cue opening the text has nothing before it
    return [m for m in ([first] if first else []) + found if cue_sort(text, m) is not None]


_PARTICIPLE_WORDS = frozenset(p for p in PARTICIPLE_PATTERNS if p.isalpha())
# The owner of a speech noun: "Frederiksen's (stark) warning that", "the Kremlin's claim that".
_OWNER = re.compile(r"(?:'s|’s|s'|s’)\s+(?:[a-z]+\s+)?$")
# An owner by pronoun: "His warning that ...", "her claim that ..." (read as "he", "she").
_PRONOUN_OWNER = re.compile(r"\b([Hh]is|[Hh]er)\s+(?:[a-z]+\s+)?$")
# A speaker making the noun their own: "X repeated the claim that", "X issued a stark warning that".
_NOUN_VERB = re.compile(rf"\b(?:{'|'.join(NOUN_VERBS)})\s+(?:the|a|an|his|her|its|their)\s+(?:[a-z]+\s+)?$")
# After "X, in a statement": the quote itself ('Sen. Y (D-Minn.), in a statement: "Q"').
_STATEMENT_QUOTE = re.compile(r"\s*(?:(?:on|late|early)\s+\w+\s*)?[:,]\s*(?=[\"“‘«])")
# A relative clause describing a source: "According to X, who asked not to be named, C".
_SOURCE_RELATIVE = re.compile(r",\s*(?:who|which)\b[^,;]{0,120},")
_NOT_A_CUE = re.compile(
    r"(?:\b(?:is|was|are|were|be|been|being)\s+(?:\w+ly\s+)?"  # passive: "it is said that"
    r"|\b(?:the|a|an|its|their|this|these|those)\s+"  # an adjective: "the alleged", "a reported"
    r"|\b(?:without|by|of|for|from|before|after|on|upon)\s+)$"  # a gerund: "goes without saying"
)
_RHETORICAL = re.compile(  # "may I say", "I would say", "let me say": the speaker's own voice
    r"(?:\b(?:may|might|must|can|could|would|should|shall|will|let me|let us|to)\s+(?:\w+\s+)?"
    r"|\b(?:I|we|We)\s+)$"
)
# The end of a source named after "according to": punctuation or words that describe it.
_SOURCE_END = re.compile(
    r"\s*(?:[,.;:)(—–]|$|(?:familiar|close|who|which|speaking|in|at|from|on|with|\w+ed|seen|given|shown)\b)"
)
_FROM_SOURCE = re.compile(r"^\S+\s+(?:\S+\s+)?(?:from|by)\s+")  # "A statement from ", "a joint statement by "
_BY_BEFORE = re.compile(r"\bby\s+$")  # a finding's author: "released in June by "
_COORDINATED = re.compile(r"(?:^|[\s,])(?:and|but)\s+(?:also\s+|then\s+|later\s+)?$")  # "... and said"
_RELATIVE_END = re.compile(r"\b(?:what|which)\s+$")  # "what X said": no report
_PERFECT_END = re.compile(r"\b(?:has|have|had)\s+$")  # "we have added": no speech
_AS_END = re.compile(r"\b[Aa]s\s+$")  # "As X said, ...", "..., as X warned that C": background
_MORE_CONTENT = re.compile(r"\s*(?:,|that\b)")
_RELATIVE_AFTER = re.compile(r"\s+who\s[^,;:.!?\"“”]{1,100}")  # "an official who asked not to be named"
_ANONYMITY = re.compile(r"\b(?:named|identified|anonymity|authori[sz]ed|publicly)\b")
_APPOSED_NAME = re.compile(r",\s*(?=[A-Z])")  # "the foreign minister, Amir Khan"
_INVERTED_END = re.compile(r"\s*(?:[,.;:!?\"”’)—–]|$)")  # "..., said Blinken." / ", said X, a ..."
_WITH_END = re.compile(r"\bwith\s+$")  # "..., with X adding"
_QUESTION_BEFORE = re.compile(r"[?!][\"”’'»]\s+$")  # a quoted question or exclamation ends just before
_CONJUNCTION_ONLY = re.compile(r"(?:But|And|Yet|So)\s*,?")
_OPENING_MARK = re.compile(r"[\"“‘«]")
# What may follow a closing attribution in its sentence: a time or place ("on Thursday"), and
# a participle phrase (", holding up a chart").
_TAIL_PP = re.compile(r"^\s*(?:in an? (?:joint |separate |written |brief )?(?:statement|interview)\b"
                      r"(?:(?!\bthat\b)[^,;:\"“”]){0,160}[.!?]?[\"”’')]*\s*$|"
                      r"(?:(?:on|in|at|to (?:reporters|journalists|the|[A-Z])|during|after|before|late|"
                      r"earlier|later|last|this|"
                      r"yesterday|today|afterwards|while|via|from|through|again|also|then|repeatedly)"
                      r"\b[^,;:\"“”]{0,80})?(?:,\s*[a-z]+ing\b[^;:\"“”]{0,120})?[.!?]?[\"”’')]*\s*$)")
_CLOSING_MARKS = "\"”’'»"
# Nothing, or only a participle phrase, after a closing cue: '"Q," she replied, laughing.'
_PARTICIPLE_TAIL = re.compile(r"(?:\s*,\s*[a-z]+ing\b[^;:\"“”]{0,120})?[\s.!?\"”’')]*")
# A manner adverb right after a closing cue: '"Q," he said flatly.', 'C, she wrote sarcastically.'
_MANNER = re.compile(r"\s*[a-z]{3,}ly\b(?!\s+(?:that|to)\b)")
_LOOK_BACK = 40  # how far back passive and rhetorical uses are looked for


@dataclass
class Attribution:
    """A cue with its speaker mention and the content it introduces (before or after the cue)."""

    cue: str
    cue_start: int
    cue_end: int
    mention: Mention | None
    before: tuple[int, int] | None = None  # content preceding the attribution
    after: tuple[int, int] | None = None  # content following the cue
    reports: bool = False  # may introduce reported speech
    as_clause: bool = False  # "As X said, ...": attributes quotes, reports nothing itself
    inherits: bool = False  # "adding that ...", "... and said": the clause's subject speaks


def attribution(doc: QuotedText, m: re.Match) -> Attribution | None:
    """What one cue attributes: its speaker and the content before or after it; None when
    the word is no speech cue here ('it goes without saying', 'may I say')."""
    text = doc.text
    sort = cue_sort(text, m)
    verb = m.group().split()[0]
    if sort in ("verb", "part", "base") and not _speech_use(text, 0, m.start(), verb):
        return None  # before the costlier look at the sentence: most "say"s of a speech are "I say"
    s_start, s_end = doc.sentences.bounds(m.start())
    if _QUESTION_BEFORE.search(text, max(0, s_start - 4), s_start):  # '"Why?" Smith asked.': one sentence
        s_start = doc.sentences.bounds(s_start - 3)[0]
    if sort == "prep":
        return _prep_attribution(text, m, s_start, s_end)
    left = doc.last_close(s_start, m.start())
    left = max(left, text.rfind(";", left, m.start()) + 1)
    dateline = DATELINE.match(text, left, m.start())  # "BRUSSELS — Europeans say ..."
    left = dateline.end() if dateline else left
    participle = sort == "part"
    if sort == "noun":
        noun = _noun_attribution(text, m, left, s_start, s_end)
        if noun is not None or verb not in _PARTICIPLE_WORDS or not _speech_use(text, left, m.start(), verb):
            return noun
        participle = True  # "..., warning that C"
    end = m.start() + len(verb) if sort == "noun" else m.end()
    att = Attribution(text[m.start():end], m.start(), end, None, inherits=participle,
                      reports=verb in REPORTING)
    if att.inherits:
        att.after = content_after(text, att.cue_end, s_end, verb, needs_that=verb not in BARE_PARTICIPLES)
        att.mention = _participle_subject(text, left, m.start())
        return att
    if verb == "quoted":
        return _quoted_as_saying(text, att, left, s_start)
    mention = _owner_of_words(text, subject(text, left, m.start()))
    if mention is not None and not _fits(text, verb, mention):
        return None
    if mention is None and _COORDINATED.search(text, max(left, m.start() - 30), m.start()):
        att.inherits = True  # "X called it "q" and said ...": X's
        att.after = content_after(text, att.cue_end, s_end, verb, needs_that=verb not in BARE_CLAUSE)
        return att
    if mention is None:
        inverted = _inverted(text, m, s_start, s_end)
        if inverted is None:
            return None
        att.mention, att.before = inverted
        return att
    att.mention = mention
    if _RELATIVE_END.search(text, left, mention.start) or \
            verb in ("added", "adds") and _PERFECT_END.search(text, left, m.start()):
        att.reports = False  # "what I have stated", "we have added X to Y"
    if _AS_END.search(text, left, mention.start):
        att.as_clause, att.reports = True, False
        comma = text.find(",", att.cue_end, s_end)
        att.after = strip_span(text, comma + 1 if comma >= 0 else att.cue_end, s_end, " \t\n,.")
        return att
    _place_content(text, att, s_start, s_end, verb)
    if verb in QUIPPING and (att.before is None or text[att.before[1] - 1] not in _CLOSING_MARKS):
        return None  # "the claims that ...": only '"Q," she claims.' is a cue
    return att


def _fits(text: str, verb: str, mention: Mention) -> bool:
    """No abstraction ('The timing of the statement suggests'); a study, poll or record, or its
    author ('A report released by X found'), for 'found'/'shows', a plural subject for a base form
    ('Critics argue'), a person for a noun-like -s form ('he jokes')."""
    if abstract(mention):
        return False
    if verb in FINDING:
        return mention.kind in ("group", "role") and (
            mention.name in FINDINGS or _BY_BEFORE.search(text, max(0, mention.start - 4), mention.start) is not None)
    if verb in PLURAL_FORMS:
        return mention.gender == "pl" and mention.kind in ("group", "pronoun")
    return verb not in QUIPPING or mention.kind in ("person", "pronoun", "role")


def _place_content(text: str, att: Attribution, s_start: int, s_end: int, verb: str) -> None:
    """Tail attribution (``..., X said.``), mid-sentence (``..., X said, ...``) or forward."""
    rest = text[att.cue_end:s_end]
    manner = _MANNER.match(rest)
    if manner:
        rest = rest[manner.end():]
    tail = _tail_start(text, s_start, att.mention.start if att.mention.lead is None else att.mention.lead)
    if tail is not None:
        after_quote = text[tail - 1] in _CLOSING_MARKS
        object_only = verb in ADDRESSEE and len(rest.split()) <= 6 and " that " not in rest
        closing = _TAIL_PP.match(rest) if verb in BARE_QUOTE else _PARTICIPLE_TAIL.fullmatch(rest)
        if closing or after_quote and not _MORE_CONTENT.match(rest) or object_only:
            att.before = content_before(text, s_start, tail)
            return
        if _past_object(text, att.cue_end, s_end, verb).startswith(","):
            att.before = content_before(text, s_start, tail)  # "C1, he told the Times, C2"
    att.after = content_after(text, att.cue_end, s_end, verb, needs_that=verb not in BARE_CLAUSE)


def _past_object(text: str, pos: int, s_end: int, verb: str) -> str:
    """The sentence after a cue, past its addressee and an adverbial ('the Times in an interview')."""
    if verb in ADDRESSEE:
        pos = skip_addressee(text, pos, s_end)
    pp = LEAD_PP.match(text, pos, s_end)
    if pp is not None and pp.group().rstrip().endswith(","):
        return "," + text[pp.end():s_end]  # the adverbial takes its comma along
    return text[pp.end() if pp else pos:s_end].lstrip()


def _participle_subject(text: str, left: int, cue_start: int) -> Mention | None:
    """``..., with their spokeswoman Priya Sandhu adding: "Q"``: a participle with its own
    subject; any other inherits its clause's (None here)."""
    np = np_before(text, left, cue_start, common=True)
    if np is None or not _WITH_END.search(text, max(left, np.start - 6), np.start):
        return None
    return np


def _speech_use(text: str, left: int, cue_start: int, verb: str) -> bool:
    """Not passive ('it is said'), not a gerund ('without saying'), not the speaker's own
    rhetoric ('may I say', 'I would say'): the few words just before the cue tell."""
    lo = max(left, cue_start - _LOOK_BACK)
    return not _NOT_A_CUE.search(text, lo, cue_start) and not (
        (verb == "says" or verb in BASE_FORMS) and _RHETORICAL.search(text, lo, cue_start))


def _quoted_as_saying(text: str, att: Attribution, left: int, s_start: int) -> Attribution:
    """``"Q," the Xinhua news agency quoted him as saying``: the speaker is the object."""
    obj = att.cue_start + len("quoted ")
    att.mention = mention_at(text, obj, text.index(" ", obj))
    source = subject(text, left, att.cue_start)
    tail = _tail_start(text, s_start, source.start if source else att.cue_start)
    att.before = content_before(text, s_start, tail if tail is not None else att.cue_start)
    return att


def _tail_start(text: str, s_start: int, np_start: int) -> int | None:
    """If the speaker phrase follows a comma or a closing quote, where the content ends."""
    before = text[s_start:np_start].rstrip()
    if not before:
        return None
    if before[-1] in ",—–":
        return s_start + len(before) - 1
    if before[-1] in _CLOSING_MARKS and len(before) > 1:
        return s_start + len(before)
    return None


def _inverted(text: str, m: re.Match, s_start: int, s_end: int) -> tuple[Mention, tuple[int, int]] | None:
    """``..., said Blinken.`` / ``"Q," said Tai on Friday.``: the speaker follows the cue."""
    before = text[s_start:m.start()].rstrip()
    if not before or before[-1] not in ",\"”’'»—–":
        return None
    after = text[m.end():s_end]
    skip = len(after) - len(after.lstrip())
    mention = np_after(text, m.end() + skip, s_end, common=True)
    if mention is None or mention.kind in ("pronoun", "self"):
        return None
    mention = _with_relative(text, _named_after(text, postmodified_after(text, mention, s_end), s_end), s_end)
    relative = _RELATIVE_AFTER.match(text, mention.end, s_end)  # "posted a user who goes by the handle @x."
    tail = relative.end() if relative else mention.end
    if abstract(mention) or not _INVERTED_END.match(text, tail) and not _TAIL_PP.match(text[tail:s_end]):
        return None  # "..., confirmed the correctness of the principle that ..."
    end = s_start + len(before) - (1 if before[-1] in ",—–" else 0)
    return mention, content_before(text, s_start, end)


def _with_relative(text: str, mention: Mention, s_end: int) -> Mention:
    """``said an official who did not wish to be named``: an anonymous source's relative clause
    is part of how the source is known; other relative clauses describe ('a user in Khartoum who
    goes by ...')."""
    relative = _RELATIVE_AFTER.match(text, mention.end, s_end) if mention.kind in ("role", "group") else None
    if relative is None or not _ANONYMITY.search(relative.group()):
        return mention
    return Mention(text[mention.start:relative.end()], mention.start, relative.end(), mention.kind, mention.name,
                   mention.gender)


def _named_after(text: str, mention: Mention, s_end: int) -> Mention:
    """``..., said the foreign minister, Amir Khan.``: a role and the name in apposition after
    it; the name speaks."""
    comma = _APPOSED_NAME.match(text, mention.end, s_end) if mention.kind == "role" else None
    named = np_after(text, comma.end(), s_end) if comma else None
    if named is None or named.kind != "person" or not _INVERTED_END.match(text, named.end):
        return mention
    return named


def _named(mention: Mention | None, pronoun: bool = False) -> bool:
    """A speaker the text names: a person, a capitalised body ('the Kremlin'), or (if allowed)
    a pronoun standing for one."""
    if mention is None:
        return False
    if mention.kind == "person" or pronoun and mention.kind == "pronoun" and mention.gender in ("m", "f"):
        return True
    return mention.kind == "group" and any(is_cap(w) for w in mention.text.split()) and \
        mention.name not in TEXT_HEADS


def _noun_attribution(text: str, m: re.Match, left: int, s_start: int, s_end: int) -> Attribution | None:
    """``X's warning that C`` / ``X repeated the claim that C``: X's clause, only if X is named."""
    noun = m.group().split()[0]
    owner = _OWNER.search(text, max(left, m.start() - 30), m.start())
    pronoun = _PRONOUN_OWNER.search(text, max(left, m.start() - 30), m.start()) if owner is None else None
    if owner is not None or pronoun is not None:
        mention = np_before(text, left, owner.start()) if owner is not None else _owner_pronoun(pronoun)
        if not _named(mention, pronoun=True):
            return None
        # The noun phrase as subject ("X's warning that C drew ...") leaves the clause's end open.
        reports = bool(text[s_start:mention.start].strip(" \t\n\"“”‘’'"))
    else:
        verb = _NOUN_VERB.search(text, max(left, m.start() - 40), m.start())
        if verb is None:
            return None
        mention = subject(text, left, verb.start())
        if not _named(mention, pronoun=True):
            return None
        reports = True
    att = Attribution(noun, m.start(), m.start() + len(noun), mention, reports=reports)
    att.after = strip_span(text, m.end(), s_end)
    return att


def _owner_pronoun(m: re.Match) -> Mention:
    """'His' or 'Her' owning a speech noun, as the pronoun that stands for its owner."""
    word = m.group(1)
    return Mention(word, m.start(), m.start() + len(word), "pronoun", gender="m" if word.lower() == "his" else "f")


def _owner_of_words(text: str, mention: Mention | None, heads: frozenset[str] | set[str] = OWN_WORDS) -> Mention | None:
    """``Greer's statement said``, ``A statement from the Kremlin said``: the owner of the
    statement speaks; after 'according to' the owner of figures or a report too ('according to
    the department's own figures')."""
    if mention is None or mention.kind not in ("group", "role") or mention.name not in heads:
        return mention
    source = _FROM_SOURCE.search(text, mention.start, mention.end)
    if source is not None:  # "A statement from the Kremlin said"
        owner = np_after(text, source.end(), mention.end)
        return owner if _named(owner) and owner.end == mention.end else mention
    words = [w for w in re.finditer(r"\S+", text[mention.start:mention.end]) if w.group() != "own"]
    for k, word in enumerate(words[:-1]):
        if possessive(word.group()) and bare(words[k + 1].group()) == mention.name:
            end = mention.start + word.end() - (1 if word.group().endswith(("s'", "s’")) else 2)
            owner = np_before(text, mention.start, end)
            return owner if _named(owner) else mention
    return mention


def _prep_attribution(text: str, m: re.Match, s_start: int, s_end: int) -> Attribution | None:
    """``According to X, ...`` (content after the comma) or ``..., according to X.``;
    ``In a statement(, issued ...), X "..."``: X is the subject after the comma."""
    if m.group().lower().startswith("in a"):
        return _statement_attribution(text, m, s_start, s_end)
    mention = np_after(text, m.end() + 1, s_end, common=True)
    if mention is not None:
        mention = finding_author(text, mention, s_end) or postmodified_after(text, mention, s_end)
    if mention is None or not _SOURCE_END.match(text, mention.end):
        return None  # "according to official information published by ..."
    if mention.kind in ("group", "role") and mention.name in TEXT_HEADS:
        return None  # "according to the Charter": a text cited, nobody quoted
    source_end = mention.end
    mention = _owner_of_words(text, mention, OWN_WORDS | FINDINGS)
    cue = m.group().lower()
    att = Attribution(m.group(), m.start(), m.end(), mention, reports=cue == "according to")
    comma = text.find(",", source_end, s_end)
    relative = _SOURCE_RELATIVE.match(text, comma) if comma >= 0 else None
    if relative is not None:
        comma = relative.end() - 1  # "According to X, who ..., C"
    head = text[s_start:m.start()].strip()
    if not head or _CONJUNCTION_ONLY.fullmatch(head) or head.endswith(":"):  # "Here's the thing: according to"
        if comma >= 0:
            att.after = strip_span(text, comma + 1, s_end)
    elif head.endswith(","):
        att.before = content_before(text, s_start, m.start())
    elif cue == "in the words of":
        att.after = strip_span(text, comma + 1 if comma >= 0 else source_end, s_end)
    else:
        return None
    return att


def _statement_attribution(text: str, m: re.Match, s_start: int, s_end: int) -> Attribution | None:
    """``In a statement, X "..."``; not ``In a statement, the ministry said``, where the verb is
    the cue."""
    head = text[s_start:m.start()].rstrip()
    if head:
        # "X said in a statement": the verb is the cue; only "X, in a statement: "Q"" is this one's
        return _named_statement(text, m, s_start, s_end, head)
    comma = text.find(",", m.end(), s_end)
    if comma < 0:
        return None
    skip = len(text[comma + 1:s_end]) - len(text[comma + 1:s_end].lstrip())
    mention = np_after(text, comma + 1 + skip, s_end)
    mark = _OPENING_MARK.search(text, mention.end, s_end) if mention is not None else None
    if mention is None or cues(text, mention.end, mark.start() if mark else s_end):
        return None
    att = Attribution(m.group(), m.start(), m.end(), mention)
    att.after = strip_span(text, mention.end, s_end)
    return att


def _named_statement(text: str, m: re.Match, s_start: int, s_end: int, head: str) -> Attribution | None:
    """``Sen. Y (D-Minn.), in a statement: "Q"``: the phrase before the comma speaks the quote."""
    quote = _STATEMENT_QUOTE.match(text, m.end(), s_end)
    if not head.endswith(",") or quote is None:
        return None
    mention = np_before(text, s_start, bare_end(text, s_start, s_start + len(head) - 1))
    if mention is None or mention.kind in ("pronoun", "self") or text[s_start:mention.start].strip():
        return None
    att = Attribution(m.group(), m.start(), m.end(), mention)
    att.after = strip_span(text, quote.end(), s_end)
    return att
