"""Quotations and reported speech in news text and speeches, with who said them.

``extract_quotes`` finds three kinds of quote:

* ``direct``: a quoted span that forms the utterance (``"Q," X said``,
  ``X said: "Q"``, ``X: "Q"``, a quoted sentence continuing the last speaker,
  a turn of a transcript);
* ``partial``: a quoted fragment woven into the reporter's own sentence
  (``concerns that China's efforts "to undermine the rules-based order"``);
* ``reported``: a reported clause without quotation marks
  (``Blinken said Tokyo and Washington will ...``). A reported clause that
  contains a quoted fragment is reported as the fragment only, as the gold
  annotation does.

Everything is regular expressions over the whole text plus small bounded
scans around the few places that matter (quote marks and cue verbs), so that
a 20 kB speech without quotes costs a few regex passes: the indexer runs this
over 200 M characters.

The stages, each a module, in the order ``assemble.extract_quotes`` runs them:

* ``marks``: quoted spans, from every style of quote mark (two-character marks such as
  ````Q''`` read as one; titles and handles in marks, ``"Meet the Press"``, are no quotes);
* ``transcripts``: speaker-labelled turns (``SECRETARY BLINKEN: ...``);
* ``sentences``: sentence bounds that no quote crosses;
* ``attribution``: each cue (``vocabulary.CUES``: verbs generated from lemmas, nouns of
  speech, ``according to``) with its speaker phrase (``subjects``, ``phrases``) and the
  content it introduces (``content``);
* ``quoted`` and ``reported``: quoted spans and unquoted clauses as quotes;
* ``resolve``: speaker phrases as names, in text order.

Speaker policy. Names are resolved to the fullest form the document or the
registry knows (``Austin`` -> ``Lloyd Austin``). Pronouns go to the most recent
matching antecedent (a person for he/she, an institution for it, a group for
they), never to the subject of the clause they report (``Medicaid, he says,
pays ...``); a person's gender comes from a title, a common given name or an
earlier he/she (``Kai Brenner said he ...``), and a lone capitalised word never
quoted nor written after a title (``Jersey gets ...``) yields to a person of the
pronoun's gender named before. A quoted paragraph standing alone continues the
previous speaker unless the sentence just before it turns to another person
(``Councillor Rita Vos disagreed.``). A description resolves to the person introduced with its title
(``the Republican governor`` -> Gov. Tom Rakestraw, ``the CNN host`` -> CNN's
Dana Bash) or, for an epithet (``the mum-of-three``), to the person last named;
one a story opens on and names later (``A red-faced roads minister joked ...``,
then ``Julian Stroud, 52, ...``) is that person. Other descriptions stay as the
text words them, with their prepositional phrases (``a spokesperson for Gov.
Laura Kelly``, ``A court filing in a related lawsuit``); so do polls, surveys,
reports and records in news, and groups (``Europeans say``), except that a
study's named author is its source (``a survey published by the European Council
on Foreign Relations``, ``according to the department's own figures``). Collective sources
stay collective (``the ministers``, ``the Foreign Ministry``) and are never
handed to the last named person; when the document names a body that met or was
convened (``convened the U.S.-Japan Security Consultative Committee``), ``the
ministers``/``the joint statement``/``it`` resolve to that body. A text never
speaks (``the Charter says``, ``according to the treaty``). In a speech
(``document_speaker`` given), first-person attributions (``I said``, ``my
delegation``) are the document speaker's, and nothing is credited to a report or
the Assembly either; a quote with no attribution at all is credited to nobody
(None), because in speeches such quotes are mostly titles, slogans or cited
texts, and an unattributed reported clause is dropped.

``evaluate`` scores the extraction against hand-made gold quotes
(``python -m search.ingest.quotes.evaluate``).
"""

from search.ingest.quotes.assemble import extract_quotes
from search.ingest.quotes.quote import Quote

__all__ = ["Quote", "extract_quotes"]
