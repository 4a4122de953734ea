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
