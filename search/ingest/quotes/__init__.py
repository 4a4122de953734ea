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

The stages, each a module, in the order ``assemble.extract_quotes`` runs them:

* ``transcripts``: speaker-labelled turns (``SECRETARY BLINKEN: ...``);
* ``marks``: quoted spans, from every style of quote mark;
* ``sentences``: sentence bounds that no quote crosses;
* ``attribution``: each cue verb (``vocabulary.CUES``) with its speaker phrase
  (``subjects``, ``phrases``) and the content it introduces (``content``);
* ``quoted`` and ``reported``: quoted spans and unquoted clauses as quotes;
* ``resolve``: speaker phrases as names, in text order.

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

``evaluate`` scores the extraction against hand-made gold quotes
(``python -m search.ingest.quotes.evaluate``).
"""

from search.ingest.quotes.assemble import extract_quotes
from search.ingest.quotes.quote import Quote

__all__ = ["Quote", "extract_quotes"]
