"""Quotations and reported speech in news text and speeches, with who said them.

``extract_quotes`` finds three kinds of quote:

* ``direct``: a quoted span that forms the utterance (``"Q," X said``,
  ``X said: "Q"``, ``X: "Q"``, a quoted sentence continuing the last speaker,
  a turn of a transcript);
* ``partial``: a quoted fragment woven into the reporter's own sentence
  (``concerns that China's efforts "to undermine the rules-based order"``);
* ``indirect``: a reported clause without quotation marks
  (``Blinken said Tokyo and Washington will ...``). A reported clause that
  contains a quoted fragment is reported as the fragment only, as the gold
  annotation does.

Everything is regular expressions over the whole text plus small bounded
scans around the few places that matter (quote marks and cue verbs), so that
a 20 kB speech without quotes costs a few regex passes: the indexer runs this
over 200 M characters.

Speaker policy. Names are resolved to the fullest form the document or the
registry knows (``Austin`` -> ``Lloyd Austin``). Pronouns go to the most recent
matching antecedent (a person for he/she, an institution for it, a group for
they). Collective sources stay collective (``the ministers``, ``the Foreign
Ministry``) and are never handed to the last named person; when the document
names a body that met or was convened (``convened the U.S.-Japan Security
Consultative Committee``), ``the ministers``/``the joint statement``/``it``
resolve to that body. In a speech (``document_speaker`` given), first-person
attributions (``I said``, ``my delegation``) are the document speaker's; a
quote with no attribution at all is credited to nobody (None), because in
speeches such quotes are mostly titles, slogans or cited texts.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from search.ingest.speakers import SpeakerRegistry

__all__ = ["Quote", "extract_quotes"]

REPORTER = "Reporter"


@dataclass
class Quote:
    """One quotation or reported clause; ``text == source[start:end]``."""

    start: int
    end: int
    text: str
    kind: str  # "direct" | "partial" | "indirect"
    speaker: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    cue: str | None = None
    context: str = ""

    def to_dict(self) -> dict:
        """The JSON interface: everything but the display-only context."""
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "kind": self.kind,
            "speaker": self.speaker,
            "speaker_start": self.speaker_start,
            "speaker_end": self.speaker_end,
            "cue": self.cue,
        }


# --------------------------------------------------------------------------- vocabulary

_UPPER = "A-Z" + "".join(c for c in map(chr, range(0xC0, 0x250)) if c.isupper())
_CAPW = rf"(?:(?:al|el|ad|as|ash|at)-)?[{_UPPER}][\w’'.-]*"

PRONOUNS = {"he": "m", "she": "f", "him": "m", "her": "f", "it": "it", "they": "pl", "them": "pl"}
FIRST_PERSON = {"i", "we", "my delegation", "our delegation", "my government", "our government",
                "my country", "my administration"}
TITLES = set("""
president vice prime minister ministers secretary secretary-general deputy under undersecretary assistant
state defense defence foreign affairs interior finance commerce trade justice treasury energy health
education labor labour agriculture transport environment homeland security economy industry culture
national home cabinet chief chancellor senator sen sen. rep rep. representative congressman congresswoman
governor gov gov. mayor ambassador envoy special spokesperson spokesman spokeswoman press general gen gen.
admiral adm adm. lieutenant lt lt. colonel col col. major maj captain capt commander chairman chairwoman
chair director leader king queen prince princess crown premier speaker majority minority whip attorney
high commissioner adviser advisor executive officer ceo head mr mr. mrs mrs. ms ms. miss dr dr. prof
prof. sir dame lord lady rev pope cardinal bishop archbishop sheikh emir sultan former then acting
first opposition party house senate parliamentary permanent
""".split())
HONORIFICS = {"mr", "mrs", "ms", "miss", "madam", "madame", "sir", "dr"}
FEMININE = {"ms", "ms.", "mrs", "mrs.", "miss", "madam", "madame", "dame", "lady", "queen", "princess",
            "congresswoman", "chairwoman", "spokeswoman", "she"}
MASCULINE = {"mr", "mr.", "sir", "lord", "king", "prince", "congressman", "chairman", "spokesman", "he"}
ORG_HEADS = set("""
ministry department office embassy committee council commission agency government administration
parliament assembly union organization organisation alliance fleet forces force army navy command
house street kremlin pentagon party court bank fund group forum dialogue summit conference secretariat
cabinet senate congress bureau service institute center centre university foundation federation
association authority police coalition front movement times post journal news press tass xinhua
reuters afp ap bbc cnn nato un eu asean who iaea quad mission consulate palace statement communique
communiqué declaration report republic kingdom emirates league confederation commonwealth
principality sultanate territory territories charter treaty convention resolution protocol covenant
agreement accord programme program agenda initiative strategy
""".split())
BODY_HEADS = {"committee", "council", "commission", "dialogue", "summit", "conference", "forum",
              "meeting", "group", "talks", "consultations", "consultation"}
BODY_REFERENTS = {"ministers", "leaders", "statement", "communique", "communiqué", "declaration",
                  "sides", "participants", "delegations", "it", "they"}
GEO = set("""
america american britain british china chinese russia russian japan japanese india indian ukraine
ukrainian iran israel france french germany german europe european asia africa korea north south
east west taiwan beijing moscow washington tokyo kyiv kiev london paris berlin brussels tehran seoul
pyongyang delhi new islamabad ankara jerusalem riyadh taipei canberra ottawa damascus baghdad kabul
cairo hong kong united states kingdom nations pacific atlantic indo-pacific gaza syria turkey pakistan
australia canada brazil mexico poland hungary italy spain nigeria egypt saudi arabia iraq afghanistan
san francisco capitol hill strait sea island islands
""".split())
MONTHS_DAYS = set("""
january february march april may june july august september october november december monday tuesday
wednesday thursday friday saturday sunday
""".split())
CAP_STOP = MONTHS_DAYS | set("""
but and yet so or nor in on at as while when after before since however meanwhile also then this that
not few every all nothing none neither either such other others most any various hundreds thousands
millions dozens tens scores recently finally similarly clearly likewise consequently accordingly
additionally subsequently ultimately currently previously specifically notably importantly
unfortunately fortunately obviously certainly surely
these those it he she they we i you asked speaking earlier later last still now separately according if
although though because despite during under with without for from to by of thus hence indeed moreover
furthermore instead nevertheless today yesterday tomorrow there here what where who why how yes no
having being much enough needless suffice
""".split())
NP_NOUNS = set("""
official officials spokesperson spokesman spokeswoman spokespeople minister ministers ministry secretary
president chancellor premier leader leaders diplomat diplomats analyst analysts expert experts source
sources statement report government embassy delegation delegates negotiator negotiators aide aides
adviser advisers advisor advisors critic critics lawmaker lawmakers legislator legislators senator
senators commissioner commissioners backbencher backbenchers member members observer observers economist
economists investigator
investigators prosecutor prosecutors police military army navy authorities agency media mission office
department committee council commission group party campaign organizers organisers activists protesters
residents witnesses lawyer lawyers attorney judge court union company officer officers commander
commanders general envoy ambassador representative representatives director chief chair chairman
chairwoman head staff team side sides allies partners administration regime cabinet parliament congress
communique communiqué declaration letter document readout fleet forces troops governments people
secretary-general ministries embassies groups unions parties countries nations states lobbyists
campaigners companies firms investors traders scientists researchers doctors farmers workers voters
citizens villagers parents students teachers consumers businesses exporters manufacturers producers
airlines banks militants fighters rebels insurgents soldiers guards negotiator mediators mediator
organisers organizers participants demonstrators opponents supporters colleagues allies officer
""".split())
NP_MODS = set("""
senior top former foreign defence defense state chief deputy acting joint two three four five several
both other many some local regional national federal western military security intelligence health
trade finance economic interior ministry unnamed anonymous separate new latest ruling opposition rebel
farm news press white central provincial municipal prime vice special high cabinet home attorney
permanent executive assistant under
""".split())
SINGULAR_ROLES = NP_NOUNS - {"statement", "report", "government", "embassy", "delegation", "ministry",
                             "police", "military", "army", "navy", "authorities", "agency", "media",
                             "mission", "office", "department", "committee", "council", "commission",
                             "group", "party", "campaign", "court", "union", "company", "staff", "team",
                             "administration", "regime", "cabinet", "parliament", "congress",
                             "communique", "communiqué", "declaration", "letter", "document", "readout",
                             "fleet", "forces", "troops", "people"}
DETERMINERS = {"the", "a", "an", "one", "its", "his", "her", "their", "our", "my", "these", "those",
               "another", "each", "both", "some", "many", "several", "two", "three", "four"}
CONNECTORS = {"of", "for", "the", "and"}
PARTICLES = {"von", "van", "der", "den", "de", "da", "del", "di", "du", "la", "le", "bin", "ibn", "al",
             "el", "y"}
ADVERBS = set("""
also later then has had have was were is would will previously earlier again separately further
recently once often reportedly repeatedly publicly privately bluntly flatly firmly simply explicitly
subsequently however too who which that himself herself themselves itself already never not just
still long
""".split())
OBJECT_CUES = {"told", "tells", "warned", "warns", "assured", "reminded", "informed", "urged", "asked"}
BARE_REPORT = set("""
said says say told tells added adds insisted insists argued argues warned warns claimed stated wrote writes
acknowledged admitted admits conceded predicted suggested maintained confirmed confirms explained
explains noted stressed stresses emphasized emphasised announced announces reiterated recalled replied
responded complained denied denies promised pledged vowed vows assured
""".split())
REPORT_CUES = BARE_REPORT | set("""
stressed stresses noted notes explained explains announced announces emphasized emphasised emphasizes
emphasises acknowledged acknowledges admitted admits suggested suggests predicted replied replies
responded reiterated reiterates recalled recalls observed commented remarked maintained maintains
confirmed confirms denied denies promised pledged vowed vows cautioned complained conceded contended
affirmed reaffirmed assured agreed expressed adding saying noting stressing warning insisting arguing
explaining underlined underscored pointed points according
""".split())
NON_CLAUSE_START = set("""
to of in on at by for with as about from into over than and or but nor yet so was were is are be been
being would will could should must may might can has had have do does did not no yes that which who
what whom whose there thank thanks goodbye hello how why where when whether if above below here
cannot can't won't wouldn't shouldn't couldn't didn't doesn't don't isn't aren't wasn't weren't many
much more also only again frankly
""".split())

CUE_VERBS = [
    "said", "says", "say", "told", "tells", "added", "adds", "stressed", "stresses", "noted", "warned",
    "warns", "urged", "urges", "insisted", "insists", "declared", "declares", "wrote", "writes",
    "explained", "explains", "argued", "argues", "asked", "asks", "announced", "announces", "stated",
    "emphasi[sz]ed", "emphasi[sz]es", "claimed", "acknowledged", "admitted", "admits", "suggested",
    "predicted", "replied", "responded", "pointed out", "points out", "underlined", "underscored",
    "reiterated", "recalled", "observed", "commented", "remarked", "maintained", "confirmed", "denied",
    "denies", "promised", "pledged", "vowed", "vows", "cautioned", "complained", "conceded", "contended",
    "affirmed", "reaffirmed", "assured", "tweeted", "called", "calls", "described", "describes",
    "accused", "accuses", "spoke of", "spoken of", "speaks of", "put it", "puts it",
    "expressed (?:deep |serious |grave |strong )?(?:concerns?|hope|regret|alarm)",
    "voiced (?:concerns?|hope)", "quoted (?:him|her|them|it) as saying", "read(?=\\s*[:,]\\s*[\"“‘'])",
]
CUE_PARTICIPLES = ["adding", "saying", "noting", "stressing", "warning", "insisting", "arguing",
                   "explaining", "calling", "describing"]


def _alternation(words: list[str]) -> str:
    """Alternatives grouped by first letter, so the regex engine rejects most positions at once
    (three times faster than a flat alternation over 200 M characters)."""
    by_first: dict[str, list[str]] = {}
    for word in words:
        by_first.setdefault(word[0], []).append(word[1:])
    return "|".join(f"{first}(?:{'|'.join(rests)})" for first, rests in sorted(by_first.items()))


_NOT_MODIFIERS = CONNECTORS | DETERMINERS | ADVERBS | NON_CLAUSE_START | CAP_STOP | set(PRONOUNS) | \
    {"said", "says", "told", "added", "also", "just", "even", "very", "really", "its", "who"}
_CUE_FIRSTS = "".join(sorted({w[0] for w in CUE_VERBS + CUE_PARTICIPLES} | {"A", "a", "I", "i"}))
_CUE = re.compile(
    rf"(?=[{_CUE_FIRSTS}])\b(?:(?P<verb>{_alternation(CUE_VERBS)})|(?P<part>{_alternation(CUE_PARTICIPLES)})"
    r"|(?P<prep>[Aa]ccording to|[Ii]n the words of|[Ii]n an? (?:joint |separate |written )?statement))\b"
)
_TOKEN = re.compile(r"[^\W_][\w’'-]*(?:\.[\w’'-]+)+\.?|(?:Mrs?|Ms|Dr|Gen|Sen|Rep|Gov|Lt|Col|St|Jr|Sr|Prof|Adm|"
                    r"Capt|Maj|Mt|[A-Z])\.|[^\W_][\w’'-]*|[^\w\s]")
_CAP_TOKEN = re.compile(rf"{_CAPW}$")
_SENTENCE_BOUNDARY = re.compile(
    r"[.!?](?<!\bMr\.)(?<!\bMrs\.)(?<!\bMs\.)(?<!\bDr\.)(?<!\bSt\.)(?<!\bNo\.)(?<!\bGen\.)"
    r"(?<!\bSen\.)(?<!\bRep\.)(?<!\bGov\.)(?<!\bLt\.)(?<!\bCol\.)(?<!\bMaj\.)(?<!\bCapt\.)"
    r"(?<!\bProf\.)(?<!\bJan\.)(?<!\bFeb\.)(?<!\bAug\.)(?<!\bSep\.)(?<!\bSept\.)(?<!\bOct\.)"
    r"(?<!\bNov\.)(?<!\bDec\.)(?<!\bInc\.)(?<!\bCorp\.)(?<!\bCo\.)(?<!\bvs\.)(?<!\bAdm\.)"
    r"(?<!\bJr\.)(?<!\bSr\.)(?<!\bMt\.)(?<!\bH\.E\.)(?<!\b[A-Z]\.)"
    r"[\"”’')\]]*\s+(?=[\"“‘'(\[]?[0-9" + _UPPER + r"])"
)
_OPENERS = " \t\n\r([—–-"
_DOUBLE_MARKS = re.compile(r"[\"“”„«»]|\n")
_SINGLE_OPEN = re.compile(r"[‘'](?=[^\W\d_])")
_SINGLE_CLOSE = re.compile(r"(?<=[^\s‘'])[’'](?=[\s,.;:!?)\]—–-]|$)", re.M)
_LABEL = re.compile(r"^[ \t]*(?P<label>Q|QUESTION|[A-Z][A-Z.'’-]*(?: [A-Z][A-Z.'’-]*){0,4})[ \t]*:[ \t]*",
                    re.M)
_NOT_LABELS = {"NOTE", "UPDATE", "EDITOR'S NOTE", "CORRECTION", "WATCH", "READ MORE", "RELATED", "PHOTO",
               "VIDEO", "SOURCE", "SOURCES", "END", "TOPICS", "TAGS", "ALSO READ"}
_QUESTION_LABELS = {"Q", "QUESTION", "QUESTIONER", "REPORTER", "JOURNALIST", "AUDIENCE MEMBER"}
_BODY = re.compile(
    r"\b(?:convened|convene|convenes|convening|held|holds|hosted|hosts|chaired|chairs|meeting of|"
    r"session of|met as|meet as|gathered for|opened)\s+(?:the\s+|a\s+|an\s+)?"
    rf"(?P<body>{_CAPW}(?:\s+(?:(?:of|for|on|and|the)\s+)*{_CAPW})*)"
)
_THAT = re.compile(r"([^,;:\"“”‘’.?!]{0,100}?)\bthat\s+")
_NOT_A_CUE = re.compile(
    r"(?:\b(?:is|was|are|were|be|been|being)\s+(?:\w+ly\s+)?"  # passive: "it is said that"
    r"|\b(?:without|by|of|for|from|before|after|on|upon)\s+)$"  # a gerund: "goes without saying"
)
_RHETORICAL = re.compile(  # "may I say", "I would say", "let me say": the speaker's own voice
    r"(?:\b(?:may|might|must|can|could|would|should|shall|will|let me|let us|to)\s+(?:\w+\s+)?"
    r"|\b(?:I|we|We)\s+)$"
)
_FINITE = re.compile(
    r"\b(?:is|are|was|were|will|would|could|should|can|may|might|must|has|have|had|did|does|do|shall|"
    r"\w+n't|cannot|\w{2,}ed|fell|made|took|gave|got|came|went|saw|knew|thought|found|left|felt|kept|held|"
    r"brought|began|ran|won|lost|met|paid|sent|spent|built|stood|meant|led|rose|grew|drew|broke|spoke|chose|"
    r"became|sold|bought|fought|sought|struck|fled|withdrew|"
    r"\w{3,}s\s+(?:the|a|an|to|that|it|its|their|his|her|no|not|more|in|on|"
    r"for|with|up|out|down))\b"
)
_PREPOSITION_END = re.compile(
    r"\b(?:at|in|to|from|with|by|for|of|on|about|into|over|under|between|among|against|towards?|"
    r"than|like|via|through|during)\s+$"
)
_SOURCE_END = re.compile(
    r"\s*(?:[,.;:)(—–]|$|(?:familiar|close|who|which|speaking|briefed|involved|cited|quoted|in|at|from|"
    r"on|with)\b)"
)
_SUBJECT_LEAD = re.compile(
    r"(?:(?:But|And|Yet|So|Meanwhile|However|Still|When|While|After|Before|As|Since|Although|Though|"
    r"If|Once)\s*,?\s+|[A-Z][a-z]+(?:ing|ed)\s[^,.;\n]{0,80},\s+)?"
)
_CLAUSE_OPENING = re.compile(
    r"(?:\b(?:what|which|that)\s+|[,;:]\s*(?:(?:but|and|while|as|although|though|whereas|yet)\s+)?|"
    r"(?:^|\W)(?:[Bb]ut|[Aa]nd|[Ww]hile|[Aa]lthough|[Tt]hough|[Ww]hereas)\s+)$"
)
_COORDINATED = re.compile(r"(?:^|[\s,])(?:and|but)\s+(?:also\s+|then\s+|later\s+)?$")
_DATELINE = re.compile(  # "KYIV, Ukraine (AP) — ", "CAIRO, Feb 27 (Reuters) - "
    rf"[{_UPPER}][{_UPPER} .'-]+(?:,[^()\n—–-]{{1,30}})?\s*(?:\([\w .]{{1,30}}\))?\s*[—–-]+\s+"
)
_SUBORDINATORS = {"as", "because", "since", "while", "although", "though", "when", "after", "before", "if",
                  "unless", "whereas", "which", "who", "and", "but", "so", "amid", "despite"}
_RESUME = re.compile(r"[^\"“”«».!?\n]*,\s*")
_COLON_BREAK = re.compile(r"[^\"“”«».!?\n]*:\s*\n\s*")
_TIME_BEFORE = re.compile(  # "X on Thursday said", "X earlier this week told"
    r"(?:\s*,)?\s+(?:(?:late |early |earlier |later )?on\s+(?:[A-Z][a-z]+day|[A-Z][a-z]+\.? \d{1,2})|"
    r"(?:earlier |later )?(?:last|this) (?:week|month|year|weekend)|yesterday|today|tonight)\s*,?\s*$"
)
_INTRODUCED = re.compile(r"[^\"“”‘’:.;!?]{1,60}?[:,]\s*(?=[\"“‘'«])")
_OPENING_MARK = re.compile(r"[\"“‘«]")
_COMMA = re.compile(r",\s*")
_FIRST_WORDS = re.compile(r"(?:\S+\s+){0,9}\S+")
_RELATIVE_END = re.compile(r"\b(?:what|which)\s+$")
_PERFECT_END = re.compile(r"\b(?:has|have|had)\s+$")
_AS_END = re.compile(r"\b[Aa]s\s+$")
_MORE_CONTENT = re.compile(r"\s*(?:,|that\b)")
_PARAGRAPH_BREAK = re.compile(r"\n\s*")
_QUANTITY = re.compile(r"(?:at least|at most|about|around|over|nearly|almost|more than|less than|fewer than|"
                       r"up to)\s+[\d$€£]")
_THAT_END = re.compile(r"\bthat\s+$")
_SPLIT_THAT = re.compile(r",?\s+(?:and|but)\s+that\s+")
_LEAD_PP = re.compile(
    r"\s*(?:(?:on|last|this|late on|early on|earlier on|late|early)\s+(?:[A-Z]\w+|week|night|month|year)|"
    r"in an? (?:joint |separate |written |brief )?(?:statement|interview|speech|letter|post|tweet|video|"
    r"address|email|op-ed|briefing)|at an? [\w\s’'-]{0,40}?(?:conference|briefing|summit|meeting|"
    r"event|rally|forum|hearing)|to (?:reporters|journalists|the press))\s*,?\s*"
)
_TAIL_PP = re.compile(r"^\s*(?:(?:on|in|at|to (?:reporters|journalists|the|[A-Z])|during|after|before|late|"
                      r"earlier|later|last|this|"
                      r"yesterday|today|afterwards|while|via|from|through|again|also|then|repeatedly)"
                      r"\b[^,;:\"“”]{0,80})?[.!?]?[\"”’')]*\s*$")


# --------------------------------------------------------------------------- small helpers

def _is_cap(word: str) -> bool:
    """A capitalised word that can belong to a name (not a sentence-opening function word)."""
    low = word.lower()
    return bool(_CAP_TOKEN.match(word)) and low not in CAP_STOP and low not in DETERMINERS


def _bare(word: str) -> str:
    """Lowercased word without a possessive or final full stop, for vocabulary look-ups."""
    low = word.lower()
    for suffix in ("'s", "’s", "'", "’"):
        if low.endswith(suffix):
            low = low[: -len(suffix)]
            break
    return low.rstrip(".") if len(low) > 2 and low.count(".") == 1 else low


def _possessive(word: str) -> bool:
    return word.endswith(("'s", "’s", "s'", "s’"))


def _strip_span(text: str, start: int, end: int, chars: str = " \t\n\r") -> tuple[int, int]:
    while start < end and text[start] in chars:
        start += 1
    while end > start and text[end - 1] in chars:
        end -= 1
    return start, end


@dataclass
class _Span:
    """A quoted span: marks at ``open`` and ``close - 1``; the words are ``[start, end)``."""

    open: int
    close: int
    start: int
    end: int


# --------------------------------------------------------------------------- quote marks

def _double_spans(text: str) -> list[_Span]:
    """Pair double quote marks; a quote left open at a paragraph end continues only if the next
    paragraph opens with a quote mark (the multi-paragraph convention), otherwise it is dropped."""
    spans: list[_Span] = []
    opened: int | None = None
    pending_newline = False
    n = len(text)
    for m in _DOUBLE_MARKS.finditer(text):
        pos = m.start()
        if m.group() == "\n":
            pending_newline = opened is not None
            continue
        role = _mark_role(text, pos, n)
        if opened is not None and pending_newline:
            pending_newline = False
            if role != "close" and text[text.rfind("\n", 0, pos) + 1:pos].strip() == "":
                continue  # the paragraph-opening mark of a continued quote
            opened = None
        if opened is None:
            if role != "close":
                opened = pos
        elif role == "open":
            opened = pos  # an unclosed mark before: start again here
        else:
            start, end = _strip_span(text, opened + 1, pos)
            if end > start:
                spans.append(_Span(opened, pos + 1, start, end))
            opened = None
    return spans


def _mark_role(text: str, pos: int, n: int) -> str:
    """Whether a double mark opens, closes, or could do either, from its neighbours and glyph."""
    before = text[pos - 1] if pos else " "
    after = text[pos + 1] if pos + 1 < n else " "
    open_ctx = before.isspace() or before in "([{—–-/"
    close_ctx = after.isspace() or after in ",.;:!?)]}—–-"
    if open_ctx and not close_ctx:
        return "open"
    if close_ctx and not open_ctx:
        return "close"
    glyph = text[pos]
    if glyph in "“„«":
        return "open"
    if glyph in "”»":
        return "close"
    return "either"


def _single_spans(text: str, outside: list[_Span]) -> list[_Span]:
    """British-style single quotes: an opening mark before a letter, the first plausible closing
    mark after it in the same paragraph (a plural possessive like ``ministers' meeting`` is
    skipped when a later closing mark exists)."""
    opens = [m.start() for m in _SINGLE_OPEN.finditer(text) if not m.start() or text[m.start() - 1] in _OPENERS]
    if not opens:
        return []
    closes = [m.start() for m in _SINGLE_CLOSE.finditer(text)]
    spans: list[_Span] = []
    last_end = -1
    for pos in opens:
        if pos < last_end or _inside(pos, outside):
            continue
        para_end = text.find("\n", pos)
        para_end = len(text) if para_end < 0 else para_end
        i = bisect.bisect_right(closes, pos)
        candidates = [c for c in closes[i:i + 8] if c < para_end and c - pos > 2]
        close = _pick_single_close(text, candidates)
        if close is None:
            continue
        start, end = _strip_span(text, pos + 1, close)
        spans.append(_Span(pos, close + 1, start, end))
        last_end = close + 1
    return spans


def _pick_single_close(text: str, candidates: list[int]) -> int | None:
    for k, c in enumerate(candidates):
        possessive = text[c - 1] == "s" and c + 2 < len(text) and text[c + 1] == " " and text[c + 2].islower()
        if not possessive or k == len(candidates) - 1:
            return c
    return None


def _soft_wrap(text: str, newline: int) -> bool:
    """A line break inside a sentence (hard-wrapped source text): a lowercase word follows a
    word or comma."""
    return 0 < newline < len(text) - 1 and text[newline - 1] in _WRAP_BEFORE and text[newline + 1].islower()


_WRAP_BEFORE = set("abcdefghijklmnopqrstuvwxyz,;-")


def _inside(pos: int, spans: list[_Span]) -> bool:
    return any(s.open <= pos < s.close for s in spans)


def _quote_spans(text: str, skip: list[tuple[int, int]]) -> list[_Span]:
    """Top-level quoted spans: double quotes, or single quotes where the text uses them for
    quoting (more single-quoted than double-quoted spans); nested marks stay inside."""
    doubles = [s for s in _double_spans(text) if not _in_ranges(s.open, skip)]
    if "‘" not in text and "'" not in text:
        return doubles
    singles = [s for s in _single_spans(text, doubles) if not _in_ranges(s.open, skip)]
    if len(singles) <= len(doubles):
        return doubles
    inner = [d for d in doubles if not _inside(d.open, singles)]
    return sorted(singles + inner, key=lambda s: s.open)


def _in_ranges(pos: int, ranges: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in ranges)


# --------------------------------------------------------------------------- sentences

class _Sentences:
    """Sentence bounds, split per paragraph on first use (most paragraphs of a speech hold no
    quote and no cue); a paragraph that a quote runs over joins the next one, and no sentence
    ends inside a quoted span."""

    def __init__(self, text: str, spans: list[_Span]) -> None:
        self.text = text
        self.spans = spans
        self.opens = [s.open for s in spans]
        self._starts: dict[int, list[int]] = {}

    def _crossing(self, pos: int) -> _Span | None:
        i = bisect.bisect_right(self.opens, pos - 1) - 1
        return self.spans[i] if i >= 0 and self.spans[i].close > pos else None

    def block(self, pos: int) -> tuple[int, int]:
        """The paragraph holding ``pos``, widened over quotes that cross its edges."""
        text = self.text
        start = text.rfind("\n", 0, pos) + 1
        while start and ((span := self._crossing(start)) is not None and span.open < start or
                         _soft_wrap(text, start - 1)):
            start = text.rfind("\n", 0, span.open if span is not None and span.open < start else start - 1) + 1
        end = text.find("\n", pos)
        while end >= 0 and ((span := self._crossing(end)) is not None or _soft_wrap(text, end)):
            end = text.find("\n", span.close if span is not None else end + 1)
        return start, len(text) if end < 0 else end

    def starts(self, block: tuple[int, int]) -> list[int]:
        cached = self._starts.get(block[0])
        if cached is None:
            cached = [block[0]]
            for m in _SENTENCE_BOUNDARY.finditer(self.text, *block):
                gap = m.start() + len(m.group().rstrip())
                if self._crossing(gap) is None:
                    cached.append(m.end())
            self._starts[block[0]] = cached
        return cached

    def bounds(self, pos: int) -> tuple[int, int]:
        """[start, end) of the sentence holding ``pos``, surrounding whitespace excluded."""
        block = self.block(pos)
        starts = self.starts(block)
        i = bisect.bisect_right(starts, pos) - 1
        end = starts[i + 1] if i + 1 < len(starts) else block[1]
        return _strip_span(self.text, starts[i], end)

    def previous_starts(self, pos: int, count: int) -> list[int]:
        """Starts of the sentence holding ``pos`` and of up to ``count`` sentences before it."""
        found: list[int] = []
        while len(found) <= count and pos >= 0:
            block = self.block(pos)
            starts = self.starts(block)
            found += [s for s in reversed(starts) if s <= pos][:count + 1 - len(found)]
            pos = block[0] - 1
        return found


# --------------------------------------------------------------------------- noun phrases

@dataclass
class _Mention:
    """Who a cue points at, as written: a name, a role, a group, a pronoun or the first person."""

    text: str
    start: int
    end: int
    kind: str  # person | role | group | pronoun | self
    name: str = ""  # person: the name words; role/group: the head noun
    gender: str | None = None  # "m" | "f" | "it" | "pl"


def _np_before(text: str, lo: int, hi: int) -> _Mention | None:
    """The noun phrase ending at ``hi`` (adverbs like 'also' skipped), at most ~160 chars back."""
    base = max(lo, hi - 160)
    time = _TIME_BEFORE.search(text, base, hi)
    if time is not None:
        hi = time.start()
    toks = list(_TOKEN.finditer(text, base, hi))
    i = len(toks) - 1
    while i >= 0 and toks[i].group().lower() in ADVERBS:
        i -= 1
    if i < 0:
        return None
    word = toks[i].group().lower()
    if word in PRONOUNS and word not in ("him", "them", "her") or word in FIRST_PERSON:
        return _mention(text, toks[i].start(), toks[i].end())
    first = _walk_np(text, toks, i)
    if first is None:
        return None
    return _mention(text, toks[first].start(), toks[i].end())


def _walk_np(text: str, toks: list[re.Match], i: int) -> int | None:
    """Index of the first token of the noun phrase whose head is token ``i`` (within one line)."""
    if not _head_word(toks[i].group()):
        return None
    first = i
    modifiers = 0
    j = i - 1
    while j >= 0:
        word = toks[j].group()
        low = _bare(word)
        if "\n" in text[toks[j].end():toks[j + 1].start()]:
            break
        if low == "the" and j > 0 and _bare(toks[j - 1].group()) in ("of", "for"):
            pass
        elif low in DETERMINERS:
            first = j
            break
        if _np_word(word) or low in PARTICLES:
            first = j
        elif _modifier(word) and modifiers < 2 and (low[0].isdigit() or not _is_cap(toks[first].group())):
            first = j
            modifiers += 1
        elif low not in CONNECTORS:
            break
        j -= 1
    return first


def _modifier(word: str) -> bool:
    """A lowercase word that may qualify a speaker noun: 'developing nations', '7th Fleet'."""
    low = word.lower()
    if re.fullmatch(r"\d+(?:st|nd|rd|th)", low):
        return True
    return word.isalpha() and word.islower() and len(word) > 2 and not low.endswith("ly") and \
        low not in _NOT_MODIFIERS


def _np_word(word: str) -> bool:
    low = _bare(word)
    return _is_cap(word) or low in NP_NOUNS or low in NP_MODS


def _head_word(word: str) -> bool:
    """A word that can end a speaker phrase: a name or a noun, not a bare modifier."""
    return _is_cap(word) or _bare(word) in NP_NOUNS


def _np_after(text: str, pos: int, hi: int) -> _Mention | None:
    """The noun phrase starting at ``pos`` (``said Richard Rossow, a ...`` -> Richard Rossow)."""
    toks = list(_TOKEN.finditer(text, pos, min(hi, pos + 160)))
    if not toks:
        return None
    word = toks[0].group()
    if word.lower() in PRONOUNS or word.lower() in FIRST_PERSON:
        return _mention(text, toks[0].start(), toks[0].end())
    last = None
    for k, tok in enumerate(toks):
        w = tok.group()
        low = _bare(w)
        if k and "\n" in text[toks[k - 1].end():tok.start()]:
            break
        if _head_word(w):
            last = k
        elif _np_word(w) or low in PARTICLES or (k == 0 and low in DETERMINERS) or _modifier(w):
            continue
        elif low in CONNECTORS and low != "and" and last is not None and k + 1 < len(toks) and \
                (_np_word(toks[k + 1].group()) or low != "the" and toks[k + 1].group() == "the"):
            continue
        else:
            break
    if last is None:
        return None
    return _mention(text, toks[0].start(), toks[last].end())


def _mention(text: str, start: int, end: int) -> _Mention | None:
    """Classify a phrase: person (a name survives title stripping), role, group or pronoun."""
    phrase = text[start:end]
    low = phrase.lower()
    if low in PRONOUNS:
        return _Mention(phrase, start, end, "pronoun", gender=PRONOUNS[low])
    if low in FIRST_PERSON:
        return _Mention(phrase, start, end, "self")
    words = phrase.split()
    while words and _bare(words[-1]) in CONNECTORS:
        words.pop()
    if not words or not _head_word(words[-1]):
        return None
    if len(words) == 2 and _bare(words[0]) in HONORIFICS and _bare(words[1]) in TITLES:
        return None  # "Mr. President": the person addressed
    name, title = _name_words(words)
    if name:
        return _Mention(phrase, start, end, "person", " ".join(name), _gender(title + name[:1]))
    joint = next((k for k, w in enumerate(words[1:], 1) if w in ("of", "for")), None)
    head = _bare(words[joint - 1] if joint else words[-1])
    plural = head.endswith("s") and head not in ORG_HEADS and head not in GEO
    if not plural and (head in SINGULAR_ROLES or head in TITLES and head not in ORG_HEADS):
        return _Mention(phrase, start, end, "role", head, _gender(words))
    return _Mention(phrase, start, end, "group", head, "pl" if plural else "it")


def _name_words(words: list[str]) -> tuple[list[str], list[str]]:
    """Split ``Japan's Minister of Defense Kishi`` into (['Kishi'], ['Minister', 'of', 'Defense']);
    ``Bonnie Glaser of the German Marshall Fund`` is Bonnie Glaser."""
    for k, word in enumerate(words[1:], 1):
        prev = _bare(words[k - 1])
        if word == "of" and _is_cap(words[k - 1]) and prev not in TITLES and prev not in ORG_HEADS:
            words = words[:k]
            break
    run: list[str] = []
    for word in reversed(words):
        low = _bare(word)
        if _is_cap(word) or low in PARTICLES or (run and low in {"of", "for"}):
            run.insert(0, word)
        else:
            break
    while run and _bare(run[0]) in {"of", "for"}:
        run.pop(0)
    cut = 0
    for k, word in enumerate(run):
        low = _bare(word)
        surname = low in _SURNAME_TITLES and k and _is_cap(run[k - 1]) and _bare(run[k - 1]) not in TITLES
        if (low in TITLES or low in ORG_HEADS or _possessive(word)) and not surname:
            cut = k + 1
    name = run[cut:]
    if "of" in name:
        name = name[:name.index("of")]
    if any(_bare(w) in ORG_HEADS or _bare(w) in NP_NOUNS or _bare(w) in NP_MODS for w in name):
        return [], run[:cut]
    if not name or all(_bare(w) in GEO or w.isupper() and len(w) <= 5 for w in name):
        return [], run[:cut]
    if any(_bare(w) in ORG_HEADS for w in run[:cut]) and not any(
            _bare(w) in TITLES - ORG_HEADS for w in run[:cut]):
        return [], run[:cut]
    return name, run[:cut]


def _gender(words: list[str]) -> str | None:
    lows = {_bare(w) for w in words}
    if lows & FEMININE or lows & _FEMALE_NAMES:
        return "f"
    if lows & MASCULINE:
        return "m"
    return None


_SURNAME_TITLES = {"king", "major", "bishop", "general"}  # Martin Luther King, John Major
_FEMALE_NAMES = set("""
angela annalena giorgia ursula kaja jacinda theresa liz elizabeth margaret hillary kamala nancy gina
janet jen karine samantha victoria condoleezza madeleine christine marine kristalina linda susan mary
sarah anne ann anna maria marie catherine katherine kate caroline helen emma sophie julia laura jane
nicola yvette priti suella kemi rachel penny kristi tsai sanna mette frederiksen ngozi amina
michelle melania jill nikki tulsi elise alexandria ilhan lisa dianne patty amy kirsten
gretchen kathy ruth sonia clarisa dilma cristina michelle benazir indira sheikha hasina aung suu
yulia liudmila maria valentina natalia olena iryna
""".split())



# --------------------------------------------------------------------------- attributions

@dataclass
class _Attribution:
    """A cue with its speaker mention and the content it introduces (before or after the cue)."""

    cue: str
    cue_start: int
    cue_end: int
    mention: _Mention | None
    before: tuple[int, int] | None = None  # content preceding the attribution
    after: tuple[int, int] | None = None  # content following the cue
    reports: bool = False  # may introduce reported speech
    as_clause: bool = False  # "As X said, ...": attributes quotes, reports nothing itself
    inherits: bool = False  # "adding that ...", "... and said": the clause's subject speaks


class _Text:
    """The text with its quoted spans and sentences, and the cue analysis that needs both."""

    def __init__(self, text: str, spans: list[_Span]) -> None:
        self.text = text
        self.spans = spans
        self.closes = [s.close for s in spans]
        self.sentences = _Sentences(text, spans)

    def quoted(self, pos: int) -> bool:
        """Inside a quoted span: the quoted speaker's own words, no attribution of ours."""
        i = bisect.bisect_right(self.closes, pos)
        return i < len(self.spans) and self.spans[i].open <= pos

    def last_close(self, lo: int, pos: int) -> int:
        """End of the last quoted span closing in [lo, pos], or lo."""
        i = bisect.bisect_right(self.closes, pos) - 1
        return self.closes[i] if i >= 0 and self.closes[i] >= lo else lo

    def attribution(self, m: re.Match) -> _Attribution | None:
        """What one cue attributes: its speaker and the content before or after it; None when
        the word is no speech cue here ('it goes without saying', 'may I say')."""
        text = self.text
        s_start, s_end = self.sentences.bounds(m.start())
        if m.group("prep"):
            return _prep_attribution(text, m, s_start, s_end)
        left = self.last_close(s_start, m.start())
        left = max(left, text.rfind(";", left, m.start()) + 1)
        cue = m.group()
        verb = cue.split()[0]
        if not _speech_use(text, left, m.start(), verb):
            return None
        att = _Attribution(cue, m.start(), m.end(), None, inherits=bool(m.group("part")),
                           reports=verb in REPORT_CUES)
        if att.inherits:
            att.after = _content_after(text, m.end(), s_end, verb, needs_that=verb != "saying")
            return att
        if verb == "quoted":
            return _quoted_as_saying(text, att, left, s_start)
        mention = _subject(text, left, m.start())
        if mention is None and _COORDINATED.search(text, max(left, m.start() - 30), m.start()):
            att.inherits = True  # "X called it "q" and said ...": X's
            att.after = _content_after(text, m.end(), s_end, verb, needs_that=verb not in BARE_REPORT)
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
            comma = text.find(",", m.end(), s_end)
            att.after = _strip_span(text, comma + 1 if comma >= 0 else m.end(), s_end, " \t\n,.")
            return att
        self._place_content(att, s_start, s_end, verb)
        return att

    def _place_content(self, att: _Attribution, s_start: int, s_end: int, verb: str) -> None:
        """Tail attribution (``..., X said.``), mid-sentence (``..., X said, ...``) or forward."""
        text = self.text
        rest = text[att.cue_end:s_end]
        tail = _tail_start(text, s_start, att.mention.start)
        if tail is not None:
            after_quote = text[tail - 1] in "\"”’'»"
            object_only = verb in OBJECT_CUES and len(rest.split()) <= 6 and " that " not in rest
            closing = _TAIL_PP.match(rest) if verb in BARE_REPORT else not rest.strip(" .!?\"”’')")
            if closing or after_quote and not _MORE_CONTENT.match(rest) or object_only:
                att.before = _content_before(text, s_start, tail)
                return
            if rest.lstrip().startswith(","):
                att.before = _content_before(text, s_start, tail)
        att.after = _content_after(text, att.cue_end, s_end, verb, needs_that=verb not in BARE_REPORT)


def _speech_use(text: str, left: int, cue_start: int, verb: str) -> bool:
    """Not passive ('it is said'), not a gerund ('without saying'), not the speaker's own
    rhetoric ('may I say', 'I would say')."""
    lo = max(left, cue_start - 40)
    return not _NOT_A_CUE.search(text, lo, cue_start) and not (
        verb in ("say", "says") and _RHETORICAL.search(text, lo, cue_start))


def _quoted_as_saying(text: str, att: _Attribution, left: int, s_start: int) -> _Attribution:
    """``"Q," the Xinhua news agency quoted him as saying``: the speaker is the object."""
    obj = att.cue_start + len("quoted ")
    att.mention = _mention(text, obj, text.index(" ", obj))
    source = _subject(text, left, att.cue_start)
    tail = _tail_start(text, s_start, source.start if source else att.cue_start)
    att.before = _content_before(text, s_start, tail if tail is not None else att.cue_start)
    return att


def _subject(text: str, left: int, cue_start: int) -> _Mention | None:
    """The speaker named before a cue, in the clause starting at ``left``."""
    segment = text[left:cue_start].rstrip()
    end = left + len(segment)
    if segment.endswith(","):
        return _appositive_subject(text, left, end - 1, closed=True)
    np = _np_before(text, left, end)
    if np is None:
        return _appositive_subject(text, left, end, closed=False)
    if _PREPOSITION_END.search(text, max(left, np.start - 12), np.start):
        who = text.rfind(", who", left, np.start)  # "Pope Paul VI, who in Milan observed"
        return _np_before(text, left, who) if who >= 0 else None
    if np.kind in ("pronoun", "self", "person") or _clause_initial(text, left, np.start):
        return np
    return None


def _appositive_subject(text: str, left: int, end: int, closed: bool) -> _Mention | None:
    """``Austin, who participated virtually, said`` -> Austin; ``Japan's minister, Nobuo Kishi,
    said`` -> Nobuo Kishi; ``Pelosi, asked about it, said`` -> Pelosi."""
    comma = text.rfind(",", left, end)
    seg_start = comma + 1 if comma >= 0 else left
    last = _np_before(text, seg_start, end)
    whole = last is not None and _clause_initial(text, seg_start, last.start)
    if whole and (last.kind == "person" or comma < 0):
        return last if closed or last.kind == "person" else None
    if comma < 0 or not _appositive(text[seg_start:end], whole):
        return None
    prior_left = max(left, text.rfind(",", left, comma) + 1)
    prior = _np_before(text, prior_left, comma)
    if prior is not None and (prior.kind != "group" or _clause_initial(text, prior_left, prior.start)):
        return prior
    return last if whole else None


def _clause_initial(text: str, left: int, pos: int) -> bool:
    """Only a discourse word, or a relative 'what/which', stands before ``pos`` in the clause."""
    head = text[left:pos]
    return re.fullmatch(r"\s*(?:(?:But|And|Yet|So|Still|Meanwhile|However|Now|Then)\s*,?\s*)?", head) \
        is not None or _CLAUSE_OPENING.search(head) is not None


def _appositive(segment: str, whole_np: bool) -> bool:
    """A segment between commas that describes the subject rather than being it."""
    words = segment.split()
    if not words:
        return False
    first = words[0].lower()
    return whole_np or first in {"who", "which", "whose", "for", "in", "however", "meanwhile", "too",
                                 "though", "also", "then", "speaking", "asked", "a", "an", "the",
                                 "one", "now", "until", "like", "as", "at"} \
        or bool(re.match(r"\w+(?:ed|ing)$", first)) or _bare(first) in NP_NOUNS or _bare(first) in TITLES \
        or _possessive(first)


def _tail_start(text: str, s_start: int, np_start: int) -> int | None:
    """If the speaker phrase follows a comma or a closing quote, where the content ends."""
    before = text[s_start:np_start].rstrip()
    if not before:
        return None
    if before[-1] in ",—–":
        return s_start + len(before) - 1
    if before[-1] in "\"”’'»" and len(before) > 1:
        return s_start + len(before)
    return None


def _inverted(text: str, m: re.Match, s_start: int, s_end: int) -> tuple[_Mention, tuple[int, int]] | None:
    """``..., said Blinken.`` / ``"Q," said Tai.``: the speaker follows the cue."""
    before = text[s_start:m.start()].rstrip()
    if not before or before[-1] not in ",\"”’'»—–":
        return None
    after = text[m.end():s_end]
    skip = len(after) - len(after.lstrip())
    mention = _np_after(text, m.end() + skip, s_end)
    if mention is None or mention.kind in ("pronoun", "self"):
        return None
    end = s_start + len(before) - (1 if before[-1] in ",—–" else 0)
    return mention, _content_before(text, s_start, end)


def _content_before(text: str, s_start: int, end: int) -> tuple[int, int]:
    dateline = _DATELINE.match(text, s_start, end)
    return _strip_span(text, dateline.end() if dateline else s_start, end, " \t\n,—–-")


def _content_after(text: str, pos: int, s_end: int, verb: str, needs_that: bool) -> tuple[int, int] | None:
    """What a forward cue introduces: past an object ('told reporters'), an adverbial
    ('on Thursday', 'in a statement') and a complementiser 'that'."""
    rest = text[pos:s_end]
    lead = len(rest) - len(rest.lstrip(" \t\n:,"))
    if rest[lead:lead + 1] in ("\"", "“", "‘", "'", "«"):
        return _strip_span(text, pos + lead, s_end)
    introduced = _INTRODUCED.match(rest)  # "told a news conference: "Q""
    if introduced:
        return _strip_span(text, pos + introduced.end(), s_end)
    m = _THAT.match(rest)
    if m and (not m.group(1).strip() or verb in OBJECT_CUES or _adverbial(m.group(1))):
        return _strip_span(text, pos + m.end(), s_end)
    if needs_that:
        return None
    skip = lead
    if verb in OBJECT_CUES:
        skip = _skip_object(text, pos + lead, s_end) - pos
    pp = _LEAD_PP.match(text, pos + skip)
    if pp:
        skip = pp.end() - pos
    return _strip_span(text, pos + skip, s_end)


def _adverbial(mid: str) -> bool:
    words = mid.split()
    return bool(words) and words[0].lower() in {
        "on", "in", "at", "during", "after", "before", "late", "earlier", "last", "this", "yesterday",
        "today", "tonight", "again", "also", "repeatedly", "publicly", "privately", "recently",
        "previously", "separately", "later", "then", "to", "from", "via", "through", "while", "when"}


def _skip_object(text: str, pos: int, hi: int) -> int:
    """Past the addressee of 'told': 'reporters', 'the BBC', 'state radio'."""
    for tok in _TOKEN.finditer(text, pos, hi):
        word = tok.group()
        low = _bare(word)
        if low in DETERMINERS or low in {"us", "him", "her", "them", "me", "you",
                                         "reporters", "journalists", "radio", "television", "tv",
                                         "broadcasters", "lawmakers", "parliament", "supporters",
                                         "state", "local", "news", "agency", "audience"} or \
                (_is_cap(word) and low not in MONTHS_DAYS):
            pos = tok.end()
        else:
            break
    return pos


def _prep_attribution(text: str, m: re.Match, s_start: int, s_end: int) -> _Attribution | None:
    """``According to X, ...`` (content after the comma) or ``..., according to X.``;
    ``In a statement(, issued ...), X "..."``: X is the subject after the comma."""
    if "statement" in m.group():
        return _statement_attribution(text, m, s_start, s_end)
    mention = _np_after(text, m.end() + 1, s_end)
    if mention is None or not _SOURCE_END.match(text, mention.end):
        return None  # "according to official information published by ..."
    cue = m.group().lower()
    att = _Attribution(m.group(), m.start(), m.end(), mention, reports=cue == "according to")
    comma = text.find(",", mention.end, s_end)
    head = text[s_start:m.start()].strip()
    if not head or re.fullmatch(r"(?:But|And|Yet|So)\s*,?", head):
        if comma >= 0:
            att.after = _strip_span(text, comma + 1, s_end)
    elif head.endswith(","):
        att.before = _content_before(text, s_start, m.start())
    elif cue == "in the words of":
        att.after = _strip_span(text, comma + 1 if comma >= 0 else mention.end, s_end)
    else:
        return None
    return att


def _statement_attribution(text: str, m: re.Match, s_start: int, s_end: int) -> _Attribution | None:
    if text[s_start:m.start()].strip():
        return None  # "X said in a statement": the verb is the cue
    comma = text.find(",", m.end(), s_end)
    if comma < 0:
        return None
    skip = len(text[comma + 1:s_end]) - len(text[comma + 1:s_end].lstrip())
    mention = _np_after(text, comma + 1 + skip, s_end)
    mark = _OPENING_MARK.search(text, mention.end, s_end) if mention is not None else None
    if mention is None or _CUE.search(text, mention.end, mark.start() if mark else s_end):
        return None  # "In a statement, the ministry said ...": the verb is the cue
    att = _Attribution(m.group(), m.start(), m.end(), mention)
    att.after = _strip_span(text, mention.end, s_end)
    return att


# --------------------------------------------------------------------------- speakers

_RECENT = 40  # speakers remembered as antecedents


class _Resolver:
    """Turns mentions into speaker names, remembering earlier speakers for pronouns."""

    def __init__(self, doc: _Text, registry: SpeakerRegistry | None, document_speaker: str | None) -> None:
        self.doc = doc
        self.text = doc.text
        self.registry = registry
        self.document_speaker = document_speaker
        self.history: list[tuple[int, str, str, str | None]] = []  # (pos, name, kind, gender)
        self.genders: dict[str, str] = {}
        self.people: set[str] = set()
        self._bodies: list[tuple[int, str]] | None = None
        self._cache: dict[tuple[str, str], list[tuple[int, str]]] = {}

    def resolve(self, mention: _Mention) -> str | None:
        """The speaker a mention stands for, and remember it as an antecedent."""
        kind, gender = mention.kind, mention.gender
        if kind == "pronoun":
            found = self._antecedent(mention)
            if found is None:
                return None
            name, kind, gender = found
        elif kind == "self":
            return self.document_speaker
        elif kind == "person":
            name = self.person(mention.name, mention.start)
        elif kind == "role":
            name = self._role(mention)
            kind = "person" if self._is_person(name) else "role"
        else:
            name = self._group(mention)
        if kind == "person":
            self.people.add(name)
            if gender in ("m", "f"):
                self.genders.setdefault(name, gender)
        self.history.append((mention.start, name, kind, gender))
        return name

    def _is_person(self, name: str) -> bool:
        return name in self.people or name[:1].isupper() and not name.lower().startswith(("the ", "a ", "an "))

    # -- people

    def person(self, name: str, pos: int) -> str:
        """The fullest form of a name: from the document (``Austin`` -> ``Lloyd Austin``), then
        the registry's canonical name."""
        full = self._full_name(name, pos)
        if self.registry is not None:
            known = self.registry.known(full) or (self.registry.known(name) if full == name else None)
            if known is not None:
                return known.name
        return full

    def _full_name(self, name: str, pos: int) -> str:
        if len([w for w in name.split() if w.lower() not in PARTICLES]) > 1:
            return name
        found = self._occurrences("name", name, self._full_names)
        i = bisect.bisect_left(found, (pos,))
        if i:
            return found[i - 1][1]
        return found[0][1] if found else name

    def _occurrences(self, kind: str, key: str, scan) -> list[tuple[int, str]]:
        """(position, value) pairs of one look-up over the whole text, computed once per key:
        a long speech names the same people hundreds of times."""
        cached = self._cache.get((kind, key))
        if cached is None:
            cached = self._cache[(kind, key)] = scan(key)
        return cached

    def _nearest_before(self, found: list[tuple[int, str]], pos: int) -> str | None:
        i = bisect.bisect_left(found, (pos,))
        return found[i - 1][1] if i else None

    def _full_names(self, name: str) -> list[tuple[int, str]]:
        found = []
        for m in re.finditer(rf"{re.escape(name)}(?![\w-])", self.text):
            if m.start() and (self.text[m.start() - 1].isalnum() or self.text[m.start() - 1] == "-"):
                continue
            full = self._longer_name(name, m)
            if full is not None:
                found.append((m.start(), full))
        return found

    def _longer_name(self, name: str, m: re.Match) -> str | None:
        """The full name written around one occurrence of a surname (or a family-name-first name)."""
        text = self.text
        np = _np_before(text, max(0, m.start() - 120), m.end())
        if np is not None and np.kind == "person" and np.name.endswith(name) and len(np.name) > len(name):
            return np.name
        np = _np_after(text, m.start(), m.start() + 80)
        if np is not None and np.kind == "person" and np.name.startswith(name + " "):
            return np.name
        return None

    def _role(self, mention: _Mention) -> str:
        """``the chancellor`` -> the person the document introduced with that title, else the
        speaker last quoted under the same description (``the official``), else as written."""
        words = mention.text.split()
        if _bare(words[0]) in ("the",) and len(words) > 1:
            titled = self.titled_person(" ".join(words[1:]), mention.start)
            if titled is not None:
                return titled
            for pos, name, kind, _ in reversed(self.history):
                if kind == "role" and name.split()[-1].lower() == mention.name:
                    return name
        return _display(mention.text)

    def titled_person(self, title: str, pos: int) -> str | None:
        """The person last introduced as ``title`` before ``pos`` ('Chancellor Olaf Scholz')."""
        name = self._nearest_before(self._occurrences("title", title.lower(), self._titled), pos)
        return self.person(name, pos) if name else None

    def _titled(self, title: str) -> list[tuple[int, str]]:
        found = []
        for m in re.finditer(rf"(?i:\b{re.escape(title)}\b)\s+(?={_CAPW})", self.text):
            np = _np_after(self.text, m.end(), m.end() + 80)
            if np is not None and np.kind == "person":
                found.append((m.start(), np.name))
        return found

    # -- groups and bodies

    def _group(self, mention: _Mention) -> str:
        """Collective sources stay collective; a definite ``the ministry`` is the ministry last
        named; ``the ministers``/``the statement`` are the body that met, if one was named."""
        head = mention.name
        words = mention.text.split()
        definite = _bare(words[0]) == "the"
        if head in BODY_REFERENTS:
            body = self._body_before(mention.start)
            if body is not None:
                return body
        if definite and len(words) <= 3 and all(w[:1].islower() or w.lower() == "the" for w in words[1:]):
            org = self._org_before(head, mention.start)
            if org is not None:
                return org
        return _display(mention.text)

    def _org_before(self, head: str, pos: int) -> str | None:
        return self._nearest_before(self._occurrences("org", head, self._orgs), pos)

    def _orgs(self, head: str) -> list[tuple[int, str]]:
        found = []
        for m in re.finditer(rf"\b{re.escape(head.capitalize())}\b", self.text):
            np = _np_before(self.text, max(0, m.start() - 100), m.end())
            if np is not None and np.kind == "group" and len(np.text.split()) > 1:
                found.append((m.start(), _display(np.text, drop_article=True)))
        return found

    def _body_before(self, pos: int) -> str | None:
        if self._bodies is None:
            self._bodies = [(m.start(), _normalise_body(m.group("body"))) for m in _BODY.finditer(self.text)
                            if _bare(m.group("body").split()[-1]) in BODY_HEADS]
        found = [name for start, name in self._bodies if start < pos]
        return found[-1] if found else None

    # -- pronouns

    def _antecedent(self, mention: _Mention) -> tuple[str, str, str | None] | None:
        """The most recent compatible earlier speaker or sentence subject."""
        want = mention.gender
        if want in ("it", "pl"):
            body = self._body_before(mention.start)
            for _, name, kind, gender in self._candidates(mention.start):
                if kind == "group" and (gender == want or body and name == body):
                    return name, kind, gender
            return (body, "group", want) if body else None
        for _, name, kind, gender in self._candidates(mention.start):
            if kind in ("person", "role") and self.genders.get(name, gender) in (None, want):
                return name, kind, want
        return None

    def _candidates(self, pos: int) -> list[tuple[int, str, str, str | None]]:
        found = [entry for entry in self.history[-_RECENT:] if entry[0] < pos]
        for start in self.doc.sentences.previous_starts(pos, 6):
            subject = _sentence_subject(self.text, start, pos)
            if subject is not None and subject.kind in ("person", "role", "group") and self._plausible(subject):
                found.append((subject.start, self._peek(subject), subject.kind, subject.gender))
        return sorted(found, key=lambda entry: entry[0], reverse=True)

    def _plausible(self, subject: _Mention) -> bool:
        """A lone capitalised word opening a sentence ('Hundreds of ...') is a name only if the
        text also capitalises it mid-sentence or the registry knows it."""
        if subject.kind != "person" or " " in subject.text:
            return True
        word = subject.text
        if self.registry is not None and self.registry.known(word) is not None:
            return True
        mid = self._occurrences("mid", word, lambda w: [
            (m.start(), w) for m in re.finditer(rf"(?<=[\w,;] ){re.escape(w)}\b", self.text)])
        return any(start != subject.start for start, _ in mid)

    def _peek(self, mention: _Mention) -> str:
        """A name for a candidate antecedent, without recording it as a speaker."""
        if mention.kind == "person":
            return self.person(mention.name, mention.start)
        return self._role(mention) if mention.kind == "role" else self._group(mention)


def _sentence_subject(text: str, start: int, limit: int) -> _Mention | None:
    """The noun phrase opening a sentence (after a discourse word), if it ends before ``limit``."""
    m = _SUBJECT_LEAD.match(text, start)
    np = _np_after(text, m.end(), min(limit, m.end() + 100))
    if np is None or np.end >= limit:
        return None
    appos = _COMMA.match(text, np.end)
    if np.kind != "person" and appos:  # "The EU's climate commissioner, Wopke Hoekstra, ..."
        named = _np_after(text, appos.end(), min(limit, appos.end() + 60))
        if named is not None and named.kind == "person" and text.startswith(",", named.end):
            return named
    return np


def _display(phrase: str, drop_article: bool = False) -> str:
    """A collective phrase as a facet value: 'The ministers' -> 'the ministers'."""
    words = phrase.split()
    if drop_article and len(words) > 1 and words[0].lower() == "the":
        words = words[1:]
    elif _bare(words[0]) in DETERMINERS:
        words[0] = words[0].lower()
    return " ".join(words)


def _normalise_body(name: str) -> str:
    """'U.S.-Japan Security Consultative Committee' -> 'US-Japan Security Consultative Committee'."""
    return re.sub(r"\b((?:[A-Z]\.){2,})", lambda m: m.group(1).replace(".", ""), name)


# --------------------------------------------------------------------------- transcripts

@dataclass
class _Turn:
    label_start: int
    label_end: int
    start: int
    end: int
    label: str


def _turns(text: str) -> list[_Turn]:
    """Speaker-labelled turns (``SECRETARY BLINKEN: ...``) when at least two labels are present."""
    labels = [m for m in _LABEL.finditer(text) if m.group("label") not in _NOT_LABELS]
    if len(labels) < 2:
        return []
    turns = []
    for k, m in enumerate(labels):
        stop = labels[k + 1].start() if k + 1 < len(labels) else len(text)
        start, end = _strip_span(text, m.end(), stop)
        if end > start:
            turns.append(_Turn(m.start("label"), m.end("label"), start, end, m.group("label")))
    return turns


def _turn_speaker(turn: _Turn, resolver: _Resolver) -> str:
    """QUESTION/Q is the press; a name label is resolved like any other name."""
    if turn.label in _QUESTION_LABELS:
        return REPORTER
    words = [w.capitalize() if w.isupper() else w for w in turn.label.split()]
    name, _ = _name_words(words)
    if name:
        return resolver.person(" ".join(name), turn.label_start)
    titled = resolver.titled_person(" ".join(w for w in words if w.lower() != "the"), turn.label_start)
    return titled or " ".join(words)


# --------------------------------------------------------------------------- assembly

@dataclass
class _Draft:
    """A quote found but not yet credited: speakers are resolved in text order afterwards."""

    start: int
    end: int
    kind: str
    mention: _Mention | None = None
    cue: str | None = None
    speaker: str | None = None  # fixed in advance (transcript turns)
    fixed: bool = False
    continues: bool = False  # an unattributed quoted sentence: the previous speaker's
    label: tuple[int, int] | None = None  # a transcript turn's speaker label


def extract_quotes(text: str, registry: SpeakerRegistry | None = None,
                   document_speaker: str | None = None) -> list[Quote]:
    """Direct, partial and reported quotes of ``text`` in text order, each with its speaker."""
    turns = _turns(text)
    skip = [(t.label_start, t.end) for t in turns]
    spans = _quote_spans(text, skip)
    cues = [m for m in _CUE.finditer(text) if not _in_ranges(m.start(), skip)]
    if not turns and not spans and not cues:
        return []
    doc = _Text(text, spans)
    resolver = _Resolver(doc, registry, document_speaker)
    attributions = [a for a in map(doc.attribution, cues) if a is not None and not doc.quoted(a.cue_start)]
    _inherit_subjects(doc, attributions)
    drafts = [_Draft(t.start, t.end, "direct", speaker=_turn_speaker(t, resolver), fixed=True,
                     label=(t.label_start, t.label_end)) for t in turns]
    drafts += _quoted(doc, attributions)
    drafts += _reported(doc, attributions)
    drafts.sort(key=lambda d: d.start)
    return _credit(doc, resolver, drafts, speech=document_speaker is not None)


def _inherit_subjects(doc: _Text, attributions: list[_Attribution]) -> None:
    """'..., adding that ...' speaks with the voice of the clause's subject."""
    for k, att in enumerate(attributions):
        if not att.inherits:
            continue
        s_start, _ = doc.sentences.bounds(att.cue_start)
        for prev in reversed(attributions[:k]):
            if prev.cue_start < s_start:
                break
            if prev.mention is not None:
                att.mention = prev.mention
                break
        else:
            att.mention = _sentence_subject(doc.text, s_start, att.cue_start)


def _quoted(doc: _Text, attributions: list[_Attribution]) -> list[_Draft]:
    """Each quoted span as direct (it is the attributed utterance) or partial (embedded)."""
    drafts = []
    starts = [a.cue_start for a in attributions]
    for span in doc.spans:
        lo = bisect.bisect_left(starts, span.open - 400)
        hi = bisect.bisect_right(starts, span.close + 400)
        near = [a for a in attributions[lo:hi] if a.mention is not None]
        draft = _direct(doc, span, near) or _embedded(doc, span, near) or _standalone(doc, span)
        if draft is not None:
            drafts.append(draft)
    return drafts


def _direct(doc: _Text, span: _Span, near: list[_Attribution]) -> _Draft | None:
    """The quote is what an attribution introduces or closes (``"Q," X said``, ``X said: "Q"``),
    resumes after one (``"Q1," he said, "Q2."``), follows a colon ending the previous paragraph,
    or follows a bare speaker and colon (``Duvall: "Q"``)."""
    text = doc.text
    s_start, _ = doc.sentences.bounds(span.open)
    head = text[s_start:span.open].rstrip()
    for att in near:
        if att.before is not None and _exactly(text, att.before, span) or \
                att.after is not None and _exactly(text, att.after, span) and _introduces(text, att, span) or \
                _resumes(text, att, span) or not head and _introduces_paragraph(text, att, span):
            return _Draft(span.start, span.end, "direct", att.mention, att.cue)
    if head.endswith(":") and len(head) < 120:
        np = _np_before(text, s_start, s_start + len(head) - 1)
        if np is not None and np.kind != "pronoun" and not text[s_start:np.start].strip():
            return _Draft(span.start, span.end, "direct", np, None)
    return None


def _resumes(text: str, att: _Attribution, span: _Span) -> bool:
    """``"Q1," said X, the summit's president, "Q2."``: the second half of an interrupted quote."""
    if att.before is None or text[att.before[1] - 1] not in "\"”’'»":
        return False
    end = max(att.cue_end, att.mention.end)
    between = text[end:span.open]
    return 0 <= len(between) < 80 and _RESUME.fullmatch(between) is not None and \
        not re.search(r"\bthat\b", between) and _CUE.search(between) is None


def _introduces_paragraph(text: str, att: _Attribution, span: _Span) -> bool:
    """``... the Eastern Theater Command said:`` closing a paragraph, the quote opening the next."""
    before = text[att.cue_end:span.open]
    return len(before) < 80 and _COLON_BREAK.fullmatch(before) is not None


def _introduces(text: str, att: _Attribution, span: _Span) -> bool:
    """``X said: "Q"`` / ``X said, "Q"`` / ``X said "Q..."`` introduce a direct quote;
    ``X said that "q"`` or ``X called it "q"`` weave a fragment into the sentence."""
    between = text[att.cue_end:span.open]
    if re.search(r"\bthat\s*$", between):
        return False
    if re.search(r"[:,]\s*$", between):
        return True
    return att.cue.split()[0] in BARE_REPORT and text[span.start].isupper()


def _exactly(text: str, content: tuple[int, int], span: _Span) -> bool:
    """The content of an attribution is this quote and nothing else."""
    start, end = _strip_span(text, *content, chars=" \t\n,.;:—–-")
    return start == span.open and end == span.close


def _embedded(doc: _Text, span: _Span, near: list[_Attribution]) -> _Draft | None:
    """A quote inside an attributed clause, or in a sentence with a cue: partial."""
    s_start, s_end = doc.sentences.bounds(span.open)
    holding = [a for a in near if any(c and c[0] <= span.start and span.end <= c[1] for c in (a.before, a.after))]
    same = [a for a in near if s_start <= a.cue_start < s_end]
    for group in (holding, same):
        if group:
            before = [a for a in group if a.cue_start < span.open]
            att = before[-1] if before else group[0]
            return _Draft(span.start, span.end, "partial", att.mention, att.cue)
    return None


def _standalone(doc: _Text, span: _Span) -> _Draft | None:
    """A quoted sentence with no attribution continues the previous speaker; an unattributed
    fragment mid-sentence is a title or scare quote, not a quotation."""
    s_start, s_end = doc.sentences.bounds(span.open)
    text = doc.text
    if text[s_start:span.open].strip() or text[span.close:s_end].strip(" \t\n.,;:!?)"):
        return None
    return _Draft(span.start, span.end, "direct", continues=True)


def _reported(doc: _Text, attributions: list[_Attribution]) -> list[_Draft]:
    """Reported clauses without quote marks; a clause holding a quoted fragment is left to the
    fragment; where two attributions claim overlapping clauses the earlier cue wins."""
    text = doc.text
    tail_ends = sorted(a.before[1] for a in attributions if a.before)
    drafts: list[_Draft] = []
    for att in attributions:
        if not att.reports or att.as_clause or att.mention is None:
            continue
        for start, end in _report_pieces(doc, att, tail_ends):
            if not any(d.start < end and start < d.end for d in drafts[-4:]):  # same sentence only
                drafts.append(_Draft(start, end, "indirect", att.mention, att.cue))
    return drafts


def _report_pieces(doc: _Text, att: _Attribution, tail_ends: list[int]) -> list[tuple[int, int]]:
    """The reported clauses of one attribution: what a forward cue introduces (split at 'and
    that'), what precedes a closing one, or both halves around a mid-sentence one ('The
    alternative, he says, is to watch ...'). Pieces holding a quote are left to the quote."""
    text = doc.text
    chars = " \t\n.,;:!?"
    before = _strip_span(text, *att.before, chars) if att.before else None
    after = [_strip_span(text, *piece, chars) for piece in _clauses(text, _cut_at_tail(att.after, tail_ends))] \
        if att.after else []
    before = before if before and before[1] > before[0] and not _overlaps_quote(doc, *before) else None
    after = [p for p in after if p[1] > p[0] and not _overlaps_quote(doc, *p)]
    if before and after and att.after[0] > att.cue_start > att.before[1]:
        first = text[after[0][0]:after[0][0] + 12].split()[0].lower()
        if _FINITE.search(text, before[0], after[0][1]) and text[after[0][0]].islower() and \
                first not in _SUBORDINATORS:
            return [before, after[0]]
    introduced = att.cue.lower() == "according to" or (
        att.after is not None and _THAT_END.search(text, max(att.cue_end, att.after[0] - 120), att.after[0]))
    pieces = [(before, att.cue.lower() == "according to")] if before else []
    pieces += [(p, bool(introduced) or k > 0) for k, p in enumerate(after)]
    return [p for p, intro in pieces if _valid_clause(text, *p, intro)]


def _cut_at_tail(content: tuple[int, int], tail_ends: list[int]) -> tuple[int, int]:
    """``X told Y that C, according to Z.``: the clause stops before the trailing attribution."""
    start, end = content
    i = bisect.bisect_right(tail_ends, start)
    if i < len(tail_ends) and tail_ends[i] < end:
        end = tail_ends[i]
    return start, end


def _clauses(text: str, content: tuple[int, int]) -> list[tuple[int, int]]:
    """Coordinated reported clauses: '... that A, but that B' -> A, B."""
    start, end = content
    pieces = []
    for m in _SPLIT_THAT.finditer(text, start, end):
        pieces.append((start, m.start()))
        start = m.end()
    pieces.append((start, end))
    return pieces


def _valid_clause(text: str, start: int, end: int, introduced: bool) -> bool:
    """Looks like a clause: three words, a plausible first word, and (unless 'that' introduced
    it) a finite verb, so that 'we have added its presence to the group' is no report."""
    words = text[start:end].split()
    if len(words) < 3 or text[start] in "\"“”‘’'«»(" or \
            words[0].lower() in NON_CLAUSE_START and not _QUANTITY.match(text, start, end):
        return False
    return introduced or _FINITE.search(text, start, _word_end(text, start)) is not None


def _word_end(text: str, start: int) -> int:
    """Where the first ten words after ``start`` end: a reported clause shows its verb early."""
    m = _FIRST_WORDS.match(text, start)
    return m.end() if m else start


def _overlaps_quote(doc: _Text, start: int, end: int) -> bool:
    i = bisect.bisect_right(doc.closes, start)
    return i < len(doc.spans) and doc.spans[i].open < end


def _credit(doc: _Text, resolver: _Resolver, drafts: list[_Draft], speech: bool) -> list[Quote]:
    """Resolve speakers in text order, so pronouns and continuations see what came before."""
    text = doc.text
    quotes: list[Quote] = []
    for draft in drafts:
        speaker, where = _speaker_of(draft, resolver, quotes, text, speech)
        s_start = doc.sentences.bounds(draft.start)[0]
        s_end = doc.sentences.bounds(max(draft.start, draft.end - 1))[1]
        quotes.append(Quote(draft.start, draft.end, text[draft.start:draft.end], draft.kind, speaker,
                            where[0], where[1], draft.cue, text[s_start:s_end]))
    return quotes


def _speaker_of(draft: _Draft, resolver: _Resolver, quotes: list[Quote], text: str,
                speech: bool) -> tuple[str | None, tuple[int | None, int | None]]:
    if draft.fixed:
        return draft.speaker, draft.label
    if draft.mention is not None:
        return resolver.resolve(draft.mention), (draft.mention.start, draft.mention.end)
    if draft.continues and quotes:
        prev = quotes[-1]
        breaks = len(_PARAGRAPH_BREAK.findall(text, prev.end, draft.start))
        if breaks <= (0 if speech else 1):
            return prev.speaker, (prev.speaker_start, prev.speaker_end)
    return None, (None, None)
