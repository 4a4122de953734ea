"""How personal names are written: the vocabulary shared by speaker normalisation
(``search.ingest.speakers``) and quote attribution (``search.ingest.quotes``).

The two read names in different settings. ``speakers`` gets a name on its own
(``H.E. Mr. Antony J. Blinken``) and may drop every word that is not the person;
``quotes`` looks for names inside running English, where a particle that is also
an ordinary word would glue sentence words to a name. So where the two need
different strengths, the narrower set is derived from the wider one here and the
difference says why.
"""

from __future__ import annotations

import re
import unicodedata

# Upper-case letters that can open a name: ASCII plus Latin-1 and Latin Extended-A/B
# (Çavuşoğlu, Łukaszenka, Ólafur), as a regex character-class body.
UPPERCASE = "A-Z" + "".join(c for c in map(chr, range(0xC0, 0x250)) if c.isupper())

# Arabic article forms written with a hyphen before a capitalised name: al-Sisi,
# el-Baradei, ash-Shara, ad-Darazi (assimilated forms of al-).
ARTICLE_PREFIXES = ("al", "el", "ad", "as", "ash", "at")

# One capitalised word of a name, article prefix allowed (regex): Blinken, O'Neill, al-Sisi, J.
CAPITALISED_WORD = rf"(?:(?:{'|'.join(ARTICLE_PREFIXES)})-)?[{UPPERCASE}][\w’'.-]*"

# Lower-case words inside a name: Ursula von der Leyen, Luiz Inácio Lula da Silva,
# Mohammed bin Salman, Fernando dos Santos.
NAME_PARTICLES = {"de", "da", "del", "della", "di", "do", "dos", "das", "du", "van", "von",
                  "der", "den", "la", "le", "y", "e", "bin", "ibn", "al", "el", "ben", "bint"}

# The particles trusted inside running text. Left out: "do" and "e" are also words of
# English and Portuguese sentences, "Ben" is a given name (Ben Wallace is two name
# words), and "della", "dos", "das", "bint" were never needed there (adding them
# changes quote extraction: measure with the gold set first).
PROSE_PARTICLES = NAME_PARTICLES - {"do", "e", "ben", "della", "dos", "das", "bint"}

# Words dropped from the front of a recorded speaker name (lower case, no final full
# stop): forms of address, styles, ranks and offices that precede the person.
HONORIFICS = {
    "mr", "mrs", "ms", "miss", "mme", "madame", "mlle", "m", "dr", "prof", "professor",
    "sir", "dame", "lord", "lady", "he", "h.e", "hon", "honourable", "honorable",
    "excellency", "his", "her", "majesty", "highness", "royal", "the", "rt", "right",
    "sr", "sra", "srta", "don", "dona", "doña", "senor", "señor", "senora", "señora",
    "herr", "frau", "monsieur", "sheikh", "shaikh", "sheikha", "prince", "princess",
    "king", "queen", "emir", "amir", "archbishop", "monsignor", "msgr", "general",
    "gen", "ambassador", "dato", "datuk", "tan", "sri", "dato'", "u", "daw", "baron",
    "baroness", "count", "countess", "chief", "reverend", "rev", "father", "brother",
    "colonel", "col", "major", "captain", "capt", "marshal", "field", "admiral",
    "holiness", "pope", "counsellor", "comrade",
}

# Honorifics only when they open a name, since they are also names or words:
# "Tan Sri Anifah" drops Tan Sri, "Tan Kee Yong" keeps Tan; "U Thant", "The".
LEADING_ONLY_HONORIFICS = {"tan", "sri", "u", "daw", "don", "the", "his", "her", "field", "m", "he"}

# Forms of address that, followed by a title, address a person instead of naming one:
# "Mr. President", "Madam Speaker" (the speech's addressee, never its speaker).
ADDRESS_FORMS = {"mr", "mrs", "ms", "miss", "madam", "madame", "sir", "dr"}


def strip_accents(text: str) -> str:
    """``Durão`` -> ``Durao``: the records spell the same name with and without accents."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_HIS_EXCELLENCY = re.compile(r"\bH\.\s?E\.", re.IGNORECASE)
# A name word: letters and digits, joined by apostrophes or hyphens (O'Neill, Al-Jamali).
_TOKEN = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_ROMAN = re.compile(r"[IVX]{1,4}")  # a regnal number: Mohammed VI, Mswati III


def name_words(raw: str) -> list[str]:
    """The words of a name, with leading honorifics and titles removed."""
    text = _HIS_EXCELLENCY.sub(" ", unicodedata.normalize("NFKC", raw or ""))
    found = list(_TOKEN.finditer(text))
    words = [m.group() for m in found]
    start = 0
    while start < len(words) - 1 and (words[start].casefold().rstrip(".") in HONORIFICS or
                                      _slipped_honorific(words[start], text[found[start].end():][:1])):
        start += 1
    rest = words[start:]
    while rest and len(rest) > 1 and rest[0].casefold() in LEADING_ONLY_HONORIFICS:
        rest = rest[1:]
    return rest


def _slipped_honorific(word: str, after: str) -> bool:
    """``Mir. GROMYKO``: a scanned record's ``Mr.`` with a letter slipped in or out. Only an
    abbreviation (a full stop follows) a letter away from Mr, Mrs, Ms or Dr: a name is not
    written that way."""
    return after == "." and 2 <= len(word) <= 4 and word.casefold() not in NAME_PARTICLES and \
        any(one_edit(word.casefold(), form) for form in ("mr", "mrs", "ms", "dr"))


def one_edit(a: str, b: str) -> bool:
    """Whether two words differ by at most one letter added, dropped or changed."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i + (len(a) == len(b)):] == b[i + 1:]


def name_key(raw: str) -> str:
    """What two spellings of one name have in common: no case, accent, honorific or punctuation."""
    words = name_words(raw)
    folded = strip_accents(" ".join(words)).casefold()
    return re.sub(r"['’-]", "", folded)


def display_form(raw: str) -> str:
    """A readable form: honorifics dropped, ALL-CAPS words title-cased, particles lowercased."""
    out = []
    for i, word in enumerate(name_words(raw)):
        if _shouting(word) and not _ROMAN.fullmatch(word):
            word = "-".join(_title_part(p) for p in word.split("-"))
            if i > 0 and word.casefold() in NAME_PARTICLES:
                word = word.casefold()
        out.append(word)
    return " ".join(out)


def _shouting(word: str) -> bool:
    """ALL CAPS, allowing a mixed-case prefix such as McDONALD."""
    letters = [c for c in word if c.isalpha()]
    upper = sum(c.isupper() for c in letters)
    return len(letters) > 1 and (upper == len(letters) or (upper >= 3 and upper / len(letters) > 0.6))


def _title_part(part: str) -> str:
    lower = part.casefold()
    if lower.startswith("mc") and len(lower) > 2:
        return "Mc" + lower[2:].capitalize()
    if "'" in lower or "’" in lower:
        return re.sub(r"(^|['’])(\w)", lambda m: m.group(1) + m.group(2).upper(), lower)
    return lower.capitalize()
