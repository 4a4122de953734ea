"""The words the quote stages look up.

The cue verbs are one table, each verb with the way it attaches what was said;
the sets the stages test (``verb in REPORTING``...) are derived from it, so a new
verb is one word here. The other lists tell a speaker phrase (a name, a role, a
group) from the ordinary words around it; their words are lower case, as
``words.bare`` returns them. Name particles and forms of address are in
``search.ingest.names``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# --------------------------------------------------------------------------- cue verbs

# How a cue attaches what was said (examples use X for the speaker, C for a clause).
# Each kind is named after one of its verbs.
SAID = "said"  # a clause with or without "that", either side: "X said (that) C", "C, X said."
TOLD = "told"  # as SAID, an addressee first: "X told reporters (that) C", "C, X told Y."
URGED = "urged"  # an addressee and no reported clause: "X urged Y to act"
UNDERLINED = "underlined"  # a clause only after "that": "X underlined that C"
JOKED = "joked"  # a quote either side, bare or not ('X joked "Q"'), a clause only after "that"
CALLED = "called"  # credits quoted words, reports no clause: 'X called it "q"', '"Q," X tweeted'
FOUND = "found"  # as SAID, but only a study, poll or record speaks so: "A survey found (that) C"
QUIPS = "quips"  # an -s form that is mostly a noun, a cue only right after a quote: '"Q," she quips.'
SAYING = "saying"  # participle, its clause needs no "that": "..., saying C"
ADDING = "adding"  # participle, a clause after "that": "..., adding that C"
CALLING = "calling"  # participle, no clause: '..., calling it "q"'
PARTICIPLE_KINDS = (SAYING, ADDING, CALLING)


@dataclass(frozen=True)
class Cue:
    """One cue: its spelling (a regex for phrases such as ``pointed out``) and its kind."""

    pattern: str
    kind: str
    plural: bool = False  # a base form: a cue only after a plural subject ("Critics argue C")

    @property
    def verb(self) -> str:
        """The word looked up once the cue matched: ``pointed`` for ``pointed out``."""
        return re.match(r"[a-z]+", self.pattern).group()


# Forms the rules below would get wrong: base -> (-s form, past, -ing form).
IRREGULAR = {
    "say": ("says", "said", "saying"), "tell": ("tells", "told", "telling"),
    "write": ("writes", "wrote", "writing"), "speak": ("speaks", "spoke", "speaking"),
    "tweet": ("tweets", "tweeted", "tweeting"), "read": ("reads", "read", "reading"),
    "put": ("puts", "put", "putting"), "plead": ("pleads", "pleaded", "pleading"),
    "quip": ("quips", "quipped", "quipping"), "find": ("finds", "found", "finding"),
}
# Verbs stressed on their last syllable, whose final consonant doubles: "admitted", "regretted".
_DOUBLING = {"admit", "commit", "regret", "rebut", "refer", "prefer", "confer", "compel", "control",
             "patrol", "omit", "submit"}
_VOWELS = "aeiou"


def _doubles(base: str) -> bool:
    """One syllable ending consonant-vowel-consonant ('snap', 'slam'), or a listed verb."""
    if base in _DOUBLING:
        return True
    vowels = [c for c in base if c in _VOWELS]
    return len(vowels) == 1 and len(base) >= 3 and base[-1] not in _VOWELS + "wxy" and \
        base[-2] in _VOWELS and base[-3] not in _VOWELS


def inflect(base: str) -> tuple[str, str, str, str]:
    """The base, -s form, past (and past participle) and -ing form of a verb:
    ``inflect("joke") == ("joke", "jokes", "joked", "joking")``; irregulars from ``IRREGULAR``.
    British and American spellings are separate lemmas ("criticise", "criticize")."""
    if base in IRREGULAR:
        return (base, *IRREGULAR[base])
    if base.endswith(("s", "sh", "ch", "x", "z")):
        third = base + "es"
    elif base.endswith("y") and base[-2] not in _VOWELS:
        third = base[:-1] + "ies"
    else:
        third = base + "s"
    if base.endswith("e"):
        past, ing = base + "d", (base if base.endswith(("ee", "ye", "oe")) else base[:-1]) + "ing"
    elif base.endswith("y") and base[-2] not in _VOWELS:
        past, ing = base[:-1] + "ied", base + "ing"
    elif _doubles(base):
        past, ing = base + base[-1] + "ed", base + base[-1] + "ing"
    else:
        past, ing = base + "ed", base + "ing"
    return base, third, past, ing


# The cue lemmas by kind: what their finite forms take. ``_lemma_cues`` spells out each
# lemma's forms with ``inflect``; the kind of a form follows from the lemma's kind:
# * the past is the lemma's kind;
# * the -s form too, but only the common news present ("says", "adds", ``NEWS_PRESENT``)
#   introduces a clause without "that": "the report notes C" is rarely speech;
# * the base form is a cue after a plural subject ("Critics argue C", "Polls show C"), and
#   "say" after any: in speeches the others mostly follow "I", "we", a modal or "to" ("we
#   urge", "I would argue", "to continue"), the writer's own voice;
# * lemmas in ``NOUN_TOO`` have no base form cue and their -s form is one only right after
#   a quote (QUIPS: '"Q," she jokes.'), if in ``QUIPPED``: "the claims that", "member states";
# * "urges"/"asks" credit quoted words but skip no addressee (CALLED);
# * the -ing form is a participle: SAYING for "say", CALLING for the CALLED verbs, ADDING
#   for the others that report (a clause after "that"); the URGED and FOUND verbs and the
#   lemmas in ``NO_PARTICIPLE`` have none.
LEMMAS: dict[str, str] = {
    SAID: """say add stress note insist write explain argue announce state emphasize emphasise claim
             acknowledge admit suggest predict reply respond reiterate recall maintain confirm deny
             promise pledge vow complain concede allege assert""",
    TOLD: "tell warn assure advise inform remind reassure brief",
    URGED: "urge ask implore exhort",
    UNDERLINED: """underline underscore observe comment remark caution contend affirm reaffirm demand
                   estimate testify plead agree conclude interject reveal disclose signal hint confess
                   counter reason speculate answer regret highlight clarify recount protest report""",
    JOKED: """joke quip muse scoff snap retort shout mutter chant fume lament boast brag grumble exclaim
              yell scream whisper sigh laugh sneer groan cry crow gloat""",
    CALLED: """declare tweet call describe accuse continue praise criticize criticise blast slam rail post
               intervene dismiss brand hail denounce condemn decry mock deride dub characterize
               characterise refer welcome reject defend label term liken applaud commend lambaste
               rebuke chide scold berate ridicule echo""",
    FOUND: "find show",
}
# Lemmas whose -s form is mostly a noun or no speech in news and speeches ("the claims that",
# "member states", "his remarks", "maintains peace"): no base form cue, and the -s form only
# of those in ``QUIPPED``.
NOUN_TOO = set("""maintain state post rail comment remark claim estimate demand promise pledge note reply
                  tweet praise chant joke shout snap lament muse quip blast slam report brief signal hint
                  counter reason answer regret highlight protest boast yell scream whisper sigh laugh sneer
                  groan cry label term echo rebuke crow""".split())
# Of those, the ones whose base form still reports after a plural subject: "Critics claim C",
# "Economists estimate that C" (not "note": "Egypt takes note that").
PLURAL_TOO = set("claim estimate".split())
# Of those, the ones a feature closes a quote with: '"Q," he jokes.', '"Q," she notes.'
QUIPPED = set("""joke quip muse note claim remark comment reply shout snap lament chant boast yell scream whisper
                 sigh laugh sneer groan cry""".split())
# Lemmas whose -ing form is mostly no speech ("continuing talks", "maintaining peace",
# "a promising start"): no participle cue.
NO_PARTICIPLE = set("""continue maintain recall confirm promise respond post rail snap estimate demand
                       observe affirm reaffirm state predict advise assure contend agree conclude
                       welcome refer report brief signal counter reason answer highlight label term
                       echo inform remind reassure laugh sigh cry groan
                       scream yell whisper sneer crow""".split())
# Lemmas whose base form is mostly no speech even after a plural subject ("they call",
# "the stress", "countries continue", "we tell").
NO_BASE = set("""say stress recall call continue tell ask urge reply respond post welcome refer inform remind
                 reassure reveal disclose confess clarify recount counter assert""".split())
# Lemmas whose -s form reports a bare clause, as the past does: "Smith says C", "C, she adds."
NEWS_PRESENT = set("say add stress insist write explain argue announce admit deny vow claim".split())
_PARTICIPLE_KIND = {SAID: ADDING, TOLD: ADDING, UNDERLINED: ADDING, JOKED: ADDING, CALLED: CALLING}


def _lemma_cues() -> list[Cue]:
    """Every form of every lemma in ``LEMMAS`` with its kind (see the rules above)."""
    cues: list[Cue] = []
    for kind, lemmas in LEMMAS.items():
        for lemma in lemmas.split():
            base, third, past, ing = inflect(lemma)
            present = kind if kind != SAID or lemma in NEWS_PRESENT else UNDERLINED
            if kind == URGED:
                present = CALLED
            cues.append(Cue(past, kind))
            if lemma not in NOUN_TOO:
                cues.append(Cue(third, present))
                if lemma not in NO_BASE:
                    cues.append(Cue(base, present, plural=True))
            elif lemma in QUIPPED:
                cues.append(Cue(third, QUIPS))
            if lemma in PLURAL_TOO:
                cues.append(Cue(base, present, plural=True))
            if lemma == "say":
                cues += [Cue(base, SAID), Cue(ing, SAYING)]
            elif kind in _PARTICIPLE_KIND and lemma not in NO_PARTICIPLE:
                cues.append(Cue(ing, _PARTICIPLE_KIND[kind]))
    return cues


def _cues(kind: str, *phrases: str) -> list[Cue]:
    """Cues of one kind spelt as phrase patterns."""
    return [Cue(pattern, kind) for pattern in phrases]


CUES: tuple[Cue, ...] = (
    *_lemma_cues(),
    *_cues(SAID, "went on to say"),  # not "goes on to say": mostly a document, in speeches
    *_cues(UNDERLINED, "pointed out", "points out",
           *(f"expressed {degree}{feeling}" for degree in ("", "deep ", "serious ", "grave ", "strong ")
             for feeling in ("concern", "concerns", "hope", "regret", "alarm"))),
    *_cues(CALLED, "spoke of", "spoken of", "speaks of", "put it", "puts it", "voiced concern",
           "voiced concerns", "voiced hope", *(f"quoted {whom} as saying" for whom in ("him", "her", "them", "it")),
           "read"),
)
# Cues only right before a colon or comma and a quote: 'The placard read: "..."'.
BEFORE_QUOTE_ONLY = frozenset({"read"})
# Cues only when "as" and a quote follow: 'referred to him as "Senator Spreadsheet"' (not "the
# programme referred to in paragraph 3").
AS_QUOTE_ONLY = frozenset(inflect("refer")[1:])
# Cues that go on with the speaker just quoted: '"Q," the minister added.', 'she continued'.
CONTINUING = frozenset(form for lemma in ("add", "continue") for form in inflect(lemma)[1:])
# Base forms that need a plural subject ("Critics argue C").
PLURAL_FORMS = frozenset(cue.pattern for cue in CUES if cue.plural)
# The base forms that are cues: the writer's own voice after "I", "we" or a modal ("I would say").
BASE_FORMS = frozenset({"say"}) | PLURAL_FORMS


def _verbs(*kinds: str) -> frozenset[str]:
    return frozenset(cue.verb for cue in CUES if cue.kind in kinds)


VERB_PATTERNS = [cue.pattern for cue in CUES if cue.kind not in PARTICIPLE_KINDS and not cue.plural]
PARTICIPLE_PATTERNS = [cue.pattern for cue in CUES if cue.kind in PARTICIPLE_KINDS]
# May introduce reported speech (an unquoted clause).
REPORTING = _verbs(SAID, TOLD, UNDERLINED, JOKED, SAYING, ADDING, FOUND)
# Finite verbs whose clause needs no "that", and that can close a sentence ("C, X said.").
BARE_CLAUSE = _verbs(SAID, TOLD, FOUND)
# Speak only with a study, poll or record as subject ("the survey found").
FINDING = _verbs(FOUND)
# Cues only right after a quote ('"Q," she quips.').
QUIPPING = _verbs(QUIPS)
# Finite verbs that introduce a quote with no punctuation between: 'X said "Q"', 'X quipped "Q"'.
BARE_QUOTE = _verbs(SAID, TOLD, JOKED)
# Participles whose clause needs no "that".
BARE_PARTICIPLES = _verbs(SAYING)
# Take an addressee before what was said: "told reporters", "urged Tokyo".
ADDRESSEE = _verbs(TOLD, URGED)

# --------------------------------------------------------------------------- speaker phrases

# Pronouns a cue may point at, with the antecedent they want: a man, a woman, an
# institution ("it"), a group ("they").
PRONOUNS = {"he": "m", "she": "f", "him": "m", "her": "f", "it": "it", "they": "pl", "them": "pl"}

# First-person subjects: in a speech they are the document's speaker.
FIRST_PERSON = {"i", "we", "my delegation", "our delegation", "my government", "our government",
                "my country", "my administration"}

# Words of a title before a name ("Defense Secretary Lloyd Austin", "Sen. Warren"): stripped
# to find the name, and a phrase ending in one is a role ("the foreign minister").
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
councilmember councillor councilor councilman councilwoman alderman alderwoman assemblyman assemblywoman
assemblymember delegate supervisor sheriff judge justice inspector detective sergeant constable
superintendent campaigner activist mum dad gran grandma grandmother grandfather pensioner
historian skipper fisherman farmer teacher nurse lawyer economist analyst professor scholar researcher
author novelist pastor priest imam rabbi veteran shopkeeper marshal
""".split())

# Titles that are also surnames: "Martin Luther King", "John Major" keep them as the name.
SURNAME_TITLES = {"king", "major", "bishop", "general", "farmer", "priest", "pastor"}

# Abbreviated titles and name parts written with a full stop ("Mr.", "Lt.", "Jr.", "St." for
# Saint, "Mt." for Mount): a word of the name, and no sentence ends at their full stop.
ABBREVIATED_TITLES = ("Mr", "Mrs", "Ms", "Dr", "Gen", "Sen", "Rep", "Gov", "Lt", "Col", "St", "Jr", "Sr",
                      "Prof", "Adm", "Capt", "Maj", "Mt")

# Titles written short before a name: "the governor" was introduced as "Gov. Tom Rakestraw".
TITLE_ABBREVIATIONS = {"governor": "gov.", "senator": "sen.", "representative": "rep.", "general": "gen.",
                       "professor": "prof.", "lieutenant": "lt.", "colonel": "col.", "captain": "capt.",
                       "admiral": "adm.", "major": "maj.", "doctor": "dr."}

# Words that give a person's gender to later he/she: titles and pronouns...
FEMININE = {"ms", "ms.", "mrs", "mrs.", "miss", "madam", "madame", "dame", "lady", "queen", "princess",
            "congresswoman", "chairwoman", "spokeswoman", "she"}
MASCULINE = {"mr", "mr.", "sir", "lord", "king", "prince", "congressman", "chairman", "spokesman", "he"}
# ...and given names: a person named without a title is otherwise the antecedent of "he" and of
# "she" alike. Only the first word of a name is looked up (a surname such as "Omar" or "Paul"
# does not mislead), in gender-guesser's table of about 40,000 given names from many countries
# (search.ingest.quotes.phrases); these are given names of public figures it does not know
# (names it gives both ways, such as Ilhan, are left out).
FEMALE_NAMES = set("""
jacinda condoleezza suella kemi ngozi tulsi dilma benazir sheikha segolene mamata
""".split())
MALE_NAMES = set("""
narendra shehbaz rishi francois
""".split())

# Heads of institution names: a capitalised phrase ending in one ("the Foreign Ministry",
# "Reuters", "the Joint Statement") is an institution, not a person.
ORG_HEADS = set("""
ministry department office embassy committee council commission agency government administration
parliament assembly union organization organisation alliance fleet forces force army navy command
house street kremlin pentagon party court bank fund group forum dialogue summit conference secretariat
cabinet senate congress bureau service institute center centre university foundation federation
association authority police coalition front movement times post journal news press tass xinhua
reuters afp ap bbc cnn nato un eu asean who iaea quad mission consulate palace statement communique
communiqué declaration report republic kingdom emirates league confederation commonwealth
principality sultanate territory territories charter treaty convention resolution protocol covenant
agreement accord programme program agenda initiative strategy plan chamber
weekly daily magazine gazette herald tribune chronicle courier telegraph guardian inquirer examiner dispatch
project trust society caucus consortium partnership observatory laboratory network review
""".split())

# A body that meets ("convened the Security Consultative Committee"), and the words that
# later stand for it ("the ministers said", "the joint statement", "it").
BODY_HEADS = {"committee", "council", "commission", "dialogue", "summit", "conference", "forum",
              "meeting", "group", "talks", "consultations", "consultation"}
BODY_REFERENTS = {"ministers", "leaders", "statement", "communique", "communiqué", "declaration",
                  "sides", "participants", "delegations", "it", "they"}

# Capitalised places and nationalities: a name made only of these ("North Korea", "Beijing")
# is no person, and a head among them ending in s ("the United States") is one body ("it").
GEO = set("""
america american britain british china chinese russia russian japan japanese india indian ukraine
ukrainian iran israel france french germany german europe european asia africa korea north south
east west taiwan beijing moscow washington tokyo kyiv kiev london paris berlin brussels tehran seoul
pyongyang delhi new islamabad ankara jerusalem riyadh taipei canberra ottawa damascus baghdad kabul
cairo hong kong united states kingdom nations pacific atlantic indo-pacific gaza syria turkey pakistan
australia canada brazil mexico poland hungary italy spain nigeria egypt saudi arabia iraq afghanistan
san francisco capitol hill strait sea island islands
""".split())

# Capitalised dates: never a name, nor an addressee ("told Reuters on Monday").
MONTHS_DAYS = set("""
january february march april may june july august september october november december monday tuesday
wednesday thursday friday saturday sunday
""".split())

# Past participles not in -ed: they open a participle phrase ("a draft seen by reporters",
# "a suit brought by 140 families"), they head no noun phrase.
IRREGULAR_PARTICIPLES = set("""
seen written taken given shown known held led run brought sent done made drawn
""".split())

# Irregular past tenses: a finite verb in a reported clause ("Kyiv fell"), never a word of a
# speaker phrase ("Ms. Hanley met the prime minister": the phrase ends before "met").
IRREGULAR_PAST = set("""
fell made took gave got came went saw knew thought found left felt kept held brought began ran won lost
met paid sent spent built stood meant led rose grew drew broke spoke chose became sold bought fought
sought struck fled withdrew sat
""".split())

# Prepositions: a capitalised one opens a sentence ("Outside the chamber, ..."), it is no name.
PREPOSITIONS = set("""
in on at as after before since despite during under with without for from to by of unlike like within
outside inside beyond amid among across near toward towards upon via following regarding including
beside besides alongside behind against between beneath throughout into onto
""".split())

# Capitalised words that are no part of a name: they are capitalised because they open a
# sentence ("However, ...", "Few ...", "Asked about ...").
CAP_STOP = MONTHS_DAYS | PREPOSITIONS | set("""
but and yet so or nor while when however meanwhile also then this that
not few every all nothing none neither either such other others most any various hundreds thousands
millions dozens tens scores recently finally similarly clearly likewise consequently accordingly
additionally subsequently ultimately currently previously specifically notably importantly
unfortunately fortunately obviously certainly surely
these those it he she they we i you asked speaking earlier later last still now separately according if
although though because thus hence indeed moreover
furthermore instead nevertheless today yesterday tomorrow there here what where who why how yes no
having being much enough needless suffice nearby elsewhere afterwards afterward overall abroad
""".split())

# Common nouns that can head a speaker phrase: "a senior official", "the ministry", "analysts".
NP_NOUNS = set("""
official officials spokesperson spokesman spokeswoman spokespeople minister ministers ministry secretary
president chancellor premier leader leaders diplomat diplomats analyst analysts expert experts source
sources statement report government embassy delegation delegates negotiator negotiators aide aides
adviser advisers advisor advisors critic critics lawmaker lawmakers legislator legislators senator
senators commissioner commissioners backbencher backbenchers member members observer observers economist
economists investigator investigators prosecutor prosecutors police military army navy authorities
agency media mission office department committee council commission group party campaign organizers
organisers activists protesters residents witnesses lawyer lawyers attorney judge court union company
officer officers commander commanders general envoy ambassador representative representatives director
chief chair chairman chairwoman head staff team side sides allies partners administration regime
cabinet parliament congress communique communiqué declaration letter document readout fleet forces
troops governments people secretary-general ministries embassies groups unions parties countries
nations states lobbyists campaigners companies firms investors traders scientists researchers doctors
farmers workers voters citizens villagers parents students teachers consumers businesses exporters
manufacturers producers airlines banks militants fighters rebels insurgents soldiers guards mediators
mediator participants demonstrators opponents supporters colleagues
democrats republicans conservatives tories liberals socialists greens nationalists unionists dems democrat republican
tory
respondents majority majorities
governor governors mayor mayors mp mps host hosts anchor presenter guest guests heckler hecklers pal pals
friend friends neighbour neighbours neighbor neighbors resident voter nurse nurses doctor doctors teacher
farmer worker owner owners boss manager candidate candidates nominee challenger incumbent rival rivals
opponent ally donor donors witness victim victims survivor survivors mother father son daughter wife
husband widow campaigner activist protester chairperson whip whips crowd audience panel board jury
newspaper paper daily tabloid broadsheet outlet broadcaster network magazine weekly website channel
station editorial columnist commentator correspondent reporter editor
""".split())

# The singular nouns among them that stand for a body, a document or a crowd: "the
# committee said" is a group speaking, not one person in a role.
COLLECTIVE_NOUNS = {"statement", "report", "government", "embassy", "delegation", "ministry", "police",
                    "military", "army", "navy", "authorities", "agency", "media", "mission", "office",
                    "department", "committee", "council", "commission", "group", "party", "campaign",
                    "court", "union", "company", "staff", "team", "administration", "regime", "cabinet",
                    "parliament", "congress", "communique", "communiqué", "declaration", "letter",
                    "document", "readout", "fleet", "forces", "troops", "people", "crowd", "audience", "panel",
                    "board", "jury", "newspaper", "paper", "daily", "tabloid", "broadsheet", "outlet",
                    "broadcaster", "network", "magazine", "weekly", "website", "channel", "station", "editorial"}
# A person in a role: "the spokesperson said" may be resolved to the person introduced so.
SINGULAR_ROLES = NP_NOUNS - COLLECTIVE_NOUNS
# Roles of sources who stay unnamed on purpose ("a senior official", "a source close to ..."):
# never the person a story names later.
ANONYMOUS = {"official", "source", "aide", "diplomat", "spokesperson", "spokesman", "spokeswoman", "insider",
             "person", "adviser", "advisor", "analyst", "observer"}

# Modifiers of a speaker noun that may be capitalised or not: "senior officials", "Foreign
# Ministry spokesperson", "two diplomats".
NP_MODS = set("""
senior top former foreign defence defense state chief deputy acting joint two three four five several
both other many some local regional national federal western military security intelligence health
trade finance economic interior ministry unnamed anonymous separate new latest ruling opposition rebel
farm news press white central provincial municipal prime vice special high cabinet home attorney
permanent executive assistant under
""".split())

# Words opening a noun phrase: where a speaker phrase starts.
DETERMINERS = {"the", "a", "an", "one", "its", "his", "her", "their", "our", "my", "these", "those",
               "another", "each", "both", "some", "many", "several", "two", "three", "four"}

# Function words allowed inside a speaker phrase: "Minister of Foreign Affairs", "the Ministry
# for the Environment", "Trade and Industry".
CONNECTORS = {"of", "for", "the", "and"}

# Words between a speaker and the cue that are not part of the speaker: "Austin also said",
# "the minister, who had earlier said".
ADVERBS = set("""
also later then has had have was were is would will previously earlier again separately further
recently once often reportedly repeatedly publicly privately bluntly flatly firmly simply explicitly
subsequently however too who which that himself herself themselves itself already never not just
still long
""".split())

# --------------------------------------------------------------------------- reported clauses

# Words that do not open a reported clause: "said to reporters", "said yes", "says more about".
NON_CLAUSE_START = set("""
to of in on at by for with as about from into over than and or but nor yet so was were is are be been
being would will could should must may might can has had have do does did not no yes that which who
what whom whose there thank thanks goodbye hello how why where when whether if above below here
cannot can't won't wouldn't shouldn't couldn't didn't doesn't don't isn't aren't wasn't weren't many
much more also only again frankly
""".split())

# --------------------------------------------------------------------------- noun and prepositional cues

# Nouns of speech that report a clause after "that" when their speaker is named: "X's warning
# that C", "X repeated the claim that C" ("the claim that C" alone names nobody).
SPEECH_NOUNS = ("warning", "claim", "assertion", "insistence", "contention", "argument", "pledge",
                "promise", "vow", "charge", "accusation", "allegation", "suggestion", "prediction")
# Verbs whose subject makes such a noun its own: "X repeated the claim that C".
NOUN_VERBS = ("repeated", "reiterated", "made", "renewed", "issued", "echoed", "voiced", "repeats",
              "reiterates", "makes", "renews", "issues")
# Sources that find rather than say: "A survey published this week found C", "Records show C".
FINDINGS = set("""
survey surveys poll polls study studies report reports analysis analyses audit audits review reviews
investigation investigations inquiry census data figures statistics record records research filing
filings assessment assessments evaluation projection projections forecast forecasts model memo document
documents
""".split())
# Nouns of a source's own words: "X's statement said" is X speaking.
OWN_WORDS = {"statement", "communique", "communiqué", "readout", "letter", "post", "tweet"}
# Heads of texts that are no speakers: "according to the Charter", "the treaty says" cite a
# text, they quote nobody. (A report, a survey or records are sources in news: ``FINDINGS``.)
TEXT_HEADS = set("""
charter charters treaty treaties convention conventions resolution resolutions article articles law laws
constitution covenant covenants declaration declarations protocol protocols agreement agreements accord
accords statute statutes provision provisions principle principles programme program agenda rule rules
bible koran quran scripture scriptures plan plans code doctrine definition definitions paragraph
paragraphs chapter chapters clause clauses text texts decision decisions act acts motto mottos slogan
slogans proverb proverbs anthem poem poems song songs preamble
""".split())
# What a speech cites but never hears speak: its texts, reports and assemblies ("the Charter
# says", "the report shows", "the Assembly stated"). In news a report or a poll is a source.
CITED_IN_SPEECHES = TEXT_HEADS | FINDINGS | {"statement", "statements", "assembly"}
# Where something was said, not who said it: "said the minister in a statement", "an official
# in his report".
OCCASIONS = set("""
statement statements interview interviews speech speeches letter letters post posts tweet video address
email op-ed briefing conference meeting hearing session debate report remarks
""".split())
