"""Quotation extraction and attribution: the seed article, each rule on its own, the gold set."""

from __future__ import annotations

from pathlib import Path

import pytest

from search.ingest.quotes import evaluate as quote_eval
from search.ingest.quotes import Quote, extract_quotes
from search.ingest.speakers import SpeakerRegistry

ROOT = Path(__file__).resolve().parents[1]
GOLD_DIR = ROOT / "tests" / "gold"
GOLD_FILES = sorted(GOLD_DIR.glob("*.yaml"))
REGISTRY_FILE = GOLD_DIR / "registry" / "speakers.yaml"
SEED_NAME = "us-japan-defence-cooperation-2022-01-07.txt"
SEED_GOLD = ROOT.parent / "shared" / "eval" / "seed-gold.yaml"
SEED_TEXT = next((p for p in (ROOT / "corpus" / SEED_NAME, ROOT.parent / "shared" / "corpora" / "seed" / SEED_NAME)
                  if p.exists()), None)


@pytest.fixture(scope="module")
def registry() -> SpeakerRegistry:
    return SpeakerRegistry.load(REGISTRY_FILE)


def only(quotes: list[Quote], kind: str | None = None) -> Quote:
    chosen = [q for q in quotes if kind is None or q.kind == kind]
    assert len(chosen) == 1, [q.to_dict() for q in quotes]
    return chosen[0]


def find(quotes: list[Quote], fragment: str) -> Quote:
    hits = [q for q in quotes if fragment in q.text]
    assert hits, (fragment, [q.to_dict() for q in quotes])
    return hits[0]


# --------------------------------------------------------------------------- the seed article

needs_seed = pytest.mark.skipif(not SEED_GOLD.exists() or SEED_TEXT is None, reason="shared seed gold not present")


@needs_seed
def test_seed_article_scores_perfectly(registry):
    result = quote_eval.score(SEED_GOLD, SEED_TEXT, registry)
    assert not result["missed"] and not result["wrong"] and not result["spurious"]
    for group in ("overall", "direct+partial", "reported"):
        assert result[group]["speaker"]["f1"] == 1.0
        assert result[group]["kind_accuracy"] == 1.0


@needs_seed
def test_seed_joint_statement_is_never_austin(registry):
    text = SEED_TEXT.read_text(encoding="utf-8")
    quotes = extract_quotes(text, registry)
    statement = [q for q in quotes if text.index("According to the joint statement") <= q.start]
    assert len(statement) == 4
    for quote in statement:
        assert quote.speaker == "US-Japan Security Consultative Committee"
    assert all("Austin" not in (q.speaker or "") for q in statement)


def test_collective_source_without_a_named_body_stays_collective():
    text = ('Austin said the alliance is important. "We remain grateful," he added.\n'
            'The ministers also said they had "serious and ongoing concerns" about human rights.\n'
            '"They resolved to work together," the joint statement said.')
    quotes = extract_quotes(text)
    assert find(quotes, "serious and ongoing").speaker == "the ministers"
    assert find(quotes, "They resolved").speaker == "the joint statement"
    assert find(quotes, "We remain").speaker == "Austin"


# --------------------------------------------------------------------------- quote marks

def test_curly_straight_and_mixed_marks():
    text = ('"We are ready," Smith said. “We are united,” Jones said.\n'
            '"This package hits the Kremlin where it hurts.” Brown told reporters.\n')
    texts = [q.text for q in extract_quotes(text)]
    assert texts == ["We are ready,", "We are united,", "This package hits the Kremlin where it hurts."]


def test_quote_running_over_paragraphs_is_one_quote():
    text = ('“We must be ready,” Macron said. “Those who thought it would be over were wrong.\n'
            '“I say this to our citizens: prices will stay high. But doing nothing would cost more.”\n'
            'Scholz was more cautious.')
    quotes = extract_quotes(text)
    assert len(quotes) == 2
    second = quotes[1]
    assert second.text.startswith("Those who") and second.text.endswith("cost more.")
    assert second.kind == "direct" and second.speaker == "Macron"


def test_unclosed_quote_at_paragraph_end_is_dropped():
    text = 'He called it "a disgrace and left.\nThe talks went on.'
    assert [q for q in extract_quotes(text) if q.kind != "reported"] == []


def test_nested_single_quotes_and_apostrophes():
    text = ("Asked whether the bloc's 'red lines' had shifted, Kaja Kallas said: "
            "\"There are no 'red lines' left for us. Putin's war won't stop.\"")
    quote = only(extract_quotes(text))
    assert quote.text == "There are no 'red lines' left for us. Putin's war won't stop."
    assert quote.kind == "direct" and quote.speaker == "Kaja Kallas"


def test_british_single_quotes_with_possessive_apostrophes():
    text = ("Liz Truss said: ‘I’m not going anywhere.’\n"
            "The MPs' frustration has grown since last month's budget.\n"
            "'I've been clear: we're going for growth,' she said.")
    quotes = extract_quotes(text)
    assert [q.text for q in quotes] == ["I’m not going anywhere.", "I've been clear: we're going for growth,"]
    assert all(q.speaker == "Liz Truss" for q in quotes)


# --------------------------------------------------------------------------- kinds and cue patterns

@pytest.mark.parametrize("text", [
    '"We will win," Blinken said.',
    '"We will win," said Blinken.',
    'Blinken said: "We will win."',
    'Blinken said, "We will win."',
    'Blinken: "We will win."',
    'Blinken told a news conference: "We will win."',
])
def test_direct_patterns(text):
    quote = only(extract_quotes(text))
    assert quote.kind == "direct" and quote.text.startswith("We will win")
    assert quote.speaker == "Blinken" and text[quote.speaker_start:quote.speaker_end] == "Blinken"


def test_partial_quote_inside_reported_speech():
    text = ('According to the statement, the ministers expressed concerns that China\'s efforts '
            '"to undermine the rules-based order" presented "challenges to the region."')
    quotes = extract_quotes(text)
    assert [q.kind for q in quotes] == ["partial", "partial"]
    assert [q.text for q in quotes] == ["to undermine the rules-based order", "challenges to the region."]


def test_that_introduced_quote_is_partial():
    quote = only(extract_quotes('Tai told reporters that "we are closer than ever".'))
    assert quote.kind == "partial" and quote.speaker == "Tai"


def test_interrupted_quote_is_two_direct_quotes():
    text = '"This is," said Mukhtar Babayev, the summit\'s president, "a historic step."'
    quotes = extract_quotes(text)
    assert [(q.text, q.kind, q.speaker) for q in quotes] == [
        ("This is,", "direct", "Mukhtar Babayev"), ("a historic step.", "direct", "Mukhtar Babayev")]


def test_unattributed_quoted_sentence_continues_previous_speaker():
    text = '"It is not about punishing people," she added. "It is about the war."'
    text = "Ursula von der Leyen spoke in Brussels. " + text
    quotes = extract_quotes(text)
    assert [q.speaker for q in quotes] == ["Ursula von der Leyen"] * 2
    assert quotes[1].kind == "direct" and quotes[1].cue is None


def test_scare_quotes_are_not_quotations():
    assert extract_quotes('The so-called "Quad" met in Tokyo on Monday.') == []


@pytest.mark.parametrize("text, clause, speaker, cue", [
    ("Blinken said Tokyo and Washington will sign a deal.", "Tokyo and Washington will sign a deal",
     "Blinken", "said"),
    ("The new deal will enable greater investment, said Blinken.", "The new deal will enable greater investment",
     "Blinken", "said"),
    ("Secretary Lloyd Austin, who participated virtually said that the alliance is important.",
     "the alliance is important", "Lloyd Austin", "said"),
    ("Tai told reporters that the two countries were close to a deal.", "the two countries were close to a deal",
     "Tai", "told"),
    ("According to an Indian official, New Delhi has offered to cut duties.", "New Delhi has offered to cut duties",
     "an Indian official", "According to"),
    ("Wheat prices rose 3% in Chicago, according to traders.", "Wheat prices rose 3% in Chicago",
     "traders", "according to"),
    ("An immediate embargo would plunge Europe into recession, Scholz said on Monday.",
     "An immediate embargo would plunge Europe into recession", "Scholz", "said"),
])
def test_reported_speech(text, clause, speaker, cue):
    quote = only(extract_quotes(text))
    assert (quote.text, quote.kind, quote.speaker, quote.cue) == (clause, "reported", speaker, cue)


def test_reported_clause_holding_a_quote_is_left_to_the_quote():
    text = 'The ministers said they had "serious concerns" about Xinjiang and stressed the importance of peace.'
    assert [q.kind for q in extract_quotes(text)] == ["partial"]


def test_no_report_from_non_speech_uses():
    text = ("It goes without saying that peace matters. May I say that we are grateful. "
            "We have added its presence to our group. It is said that walls have ears.")
    assert extract_quotes(text) == []


# --------------------------------------------------------------------------- who said it

def test_titles_and_surnames_resolve_to_full_names(registry):
    text = ("Secretary of State Blinken and Secretary Lloyd Austin met Japan's Minister of Defense Kishi.\n"
            '"We are united," Austin said. "We are ready," Blinken said. "So are we," Kishi said.\n'
            'President Barack Obama said the world was watching.')
    speakers = [q.speaker for q in extract_quotes(text, registry)]
    assert speakers == ["Lloyd Austin", "Antony Blinken", "Nobuo Kishi", "Barack Obama"]


def test_pronouns_follow_the_matching_antecedent():
    text = ("Commerce Secretary Gina Raimondo, who joined the talks, was guarded. "
            "Washington would keep restricting chips, she said.\n"
            'Xi Jinping was upbeat. "Planet Earth is big enough," he said.')
    quotes = extract_quotes(text)
    assert [q.speaker for q in quotes] == ["Gina Raimondo", "Xi Jinping"]
    assert text[quotes[0].speaker_start:quotes[0].speaker_end] == "she"
    assert text[quotes[1].speaker_start:quotes[1].speaker_end] == "he"


def test_it_goes_to_the_last_institution_not_the_last_person():
    text = ("Chief Cabinet Secretary Hirokazu Matsuno said Japan had protested.\n"
            "China's Defence Ministry described the drills as routine. "
            '"The drills are not aimed at any third party," the ministry said. '
            'It said the exercise was "routine".')
    quotes = extract_quotes(text)
    assert find(quotes, "third party").speaker == "China's Defence Ministry"
    assert find(quotes, "routine").speaker == "China's Defence Ministry"


def test_role_resolves_to_the_titled_person():
    text = ('German Chancellor Olaf Scholz struck a cautious note. '
            '"We will not harm our own economy," the chancellor said.')
    assert only(extract_quotes(text)).speaker == "Olaf Scholz"


# --------------------------------------------------------------------------- speeches and transcripts

def test_speech_quote_naming_another_person_belongs_to_that_person(registry):
    text = ('As President Truman said in 1945, the Charter is "proof that nations, like men, can state '
            'their differences." That proof is needed today.\n'
            'Last year I said that "no country can act alone". We renew that call.\n'
            'Our motto remains "Work, Justice, Solidarity".')
    quotes = extract_quotes(text, registry, document_speaker="Amina Diallo")
    assert find(quotes, "proof that nations").speaker == "Harry S. Truman"
    assert find(quotes, "proof that nations").kind == "partial"
    assert find(quotes, "no country").speaker == "Amina Diallo"
    assert all("Work, Justice" not in q.text for q in quotes)


def test_unattributed_quote_in_a_speech_is_credited_to_nobody():
    text = 'Mr. President,\n"We the peoples of the United Nations" are the first words of the Charter.'
    assert all(q.speaker is None for q in extract_quotes(text, document_speaker="Amina Diallo"))


def test_transcript_turns(registry):
    text = ("Press Briefing by Press Secretary Jen Psaki\n\n"
            "MS PSAKI: Hi, everyone. Secretary Blinken is here.\n\n"
            "SECRETARY BLINKEN: Thanks, Jen.\n\nWe are united.\n\n"
            "QUESTION: Mr. Secretary, do you accept responsibility?\n\n"
            "SECRETARY BLINKEN: No.\n\n"
            "Q: And if the talks fail?\n")
    quotes = extract_quotes(text, registry)
    assert [(q.speaker, q.kind) for q in quotes] == [
        ("Jen Psaki", "direct"), ("Antony Blinken", "direct"), ("Reporter", "direct"),
        ("Antony Blinken", "direct"), ("Reporter", "direct")]
    assert quotes[1].text == "Thanks, Jen.\n\nWe are united."
    assert text[quotes[0].speaker_start:quotes[0].speaker_end] == "MS PSAKI"


# --------------------------------------------------------------------------- interface and invariants

def test_to_dict_has_exactly_the_interface_keys():
    quote = only(extract_quotes('"We will win," Blinken said.'))
    assert list(quote.to_dict()) == ["start", "end", "text", "kind", "speaker", "speaker_start", "speaker_end", "cue"]
    assert quote.context == '"We will win," Blinken said.'


def test_empty_and_quote_free_text():
    assert extract_quotes("") == []
    assert extract_quotes("The Assembly adopted the agenda. The meeting rose at 6 p.m.") == []


@pytest.mark.parametrize("gold", GOLD_FILES, ids=lambda p: p.stem)
def test_offsets_are_exact_on_every_gold_file(gold, registry):
    data, text = quote_eval.load_gold(gold)
    for quote in extract_quotes(text, registry, data.get("document_speaker")):
        assert text[quote.start:quote.end] == quote.text
        if quote.speaker_start is not None:
            assert 0 <= quote.speaker_start < quote.speaker_end <= len(text)


# --------------------------------------------------------------------------- the gold set and the scorer

def test_gold_set_scores(registry):
    pooled = quote_eval.score_many(GOLD_FILES, registry)["pooled"]
    assert len(GOLD_FILES) >= 6
    assert pooled["overall"]["extraction"]["gold"] >= 40
    assert pooled["direct+partial"]["extraction"]["f1"] >= 0.95
    assert pooled["direct+partial"]["speaker"]["f1"] >= 0.95
    assert pooled["reported"]["extraction"]["f1"] >= 0.9
    assert pooled["reported"]["speaker"]["f1"] >= 0.9


def test_scorer_matching_and_also_accept(tmp_path):
    (tmp_path / "a.txt").write_text('"We are ready," the ministry said. Officials said the talks ended.\n',
                                    encoding="utf-8")
    (tmp_path / "a.yaml").write_text(
        "text_file: a.txt\nquotes:\n"
        "  - {text: 'We are ready', speaker: Foreign Ministry, also_accept: [the ministry], kind: direct}\n"
        "  - {text: 'the talks ended', speaker: officials, kind: indirect}\n"
        "  - {text: 'Officials said', speaker: nobody, kind: indirect}\n", encoding="utf-8")
    result = quote_eval.score(tmp_path / "a.yaml")
    assert result["overall"]["extraction"] == pytest.approx(
        {"precision": 1.0, "recall": 2 / 3, "f1": 0.8, "tp": 2, "predicted": 2, "gold": 3})
    assert result["overall"]["speaker"]["tp"] == 2
    assert [m["text"] for m in result["missed"]] == ["Officials said"]


def test_scorer_cli_output(capsys):
    gold = GOLD_DIR / "eu-sanctions-summit.yaml"
    assert quote_eval.main([str(gold), "--speakers", str(REGISTRY_FILE), "-v"]) == 0
    out = capsys.readouterr().out
    assert "extraction P/R/F1" in out and "direct+partial" in out and "reported" in out
    assert quote_eval.main([str(p) for p in GOLD_FILES[:2]] + ["--speakers", str(REGISTRY_FILE)]) == 0
    assert "pooled over 2 files" in capsys.readouterr().out


def test_having_said_that_is_not_a_speaker():
    quotes = extract_quotes("Having said that, we wish to reiterate that reform is needed.")
    assert all(q.speaker != "Having" for q in quotes)


# --------------------------------------------------------------------------- cue lexicon from lemmas

def test_inflect_regular_and_irregular_forms():
    from search.ingest.quotes.vocabulary import inflect
    assert inflect("joke") == ("joke", "jokes", "joked", "joking")
    assert inflect("testify") == ("testify", "testifies", "testified", "testifying")
    assert inflect("slam") == ("slam", "slams", "slammed", "slamming")
    assert inflect("admit") == ("admit", "admits", "admitted", "admitting")
    assert inflect("vow") == ("vow", "vows", "vowed", "vowing")
    assert inflect("say") == ("say", "says", "said", "saying")
    assert inflect("write")[2] == "wrote" and inflect("tell")[2] == "told" and inflect("speak")[2] == "spoke"
    assert inflect("tweet")[2] == "tweeted" and inflect("quip")[2] == "quipped"


def test_noun_like_present_forms_are_no_cues():
    from search.ingest.quotes.vocabulary import CUES, QUIPS
    patterns = {cue.pattern for cue in CUES}
    assert {"joked", "claimed", "estimated", "testified", "criticised", "criticized"} <= patterns
    assert not {"states", "maintaining", "continuing"} & patterns
    assert {cue.kind for cue in CUES if cue.pattern in {"claims", "remarks", "comments"}} == {QUIPS}
    assert not extract_quotes("The claims that the mill would close were denied by the owners.")


def test_joked_closes_a_quote():
    quotes = extract_quotes('"I only came for the free coffee," Governor Lindgren joked.')
    assert only(quotes).kind == "direct" and only(quotes).speaker == "Lindgren"


def test_quipped_introduces_a_bare_quote():
    quotes = extract_quotes('Asked about his rival, Hartley quipped "He should stick to golf."')
    assert only(quotes).kind == "direct" and only(quotes).speaker == "Hartley"


def test_joked_that_reports_a_clause():
    quotes = extract_quotes("Moreno joked that the budget talks had outlasted two winters.")
    q = only(quotes)
    assert q.kind == "reported" and q.speaker == "Moreno" and q.text.startswith("the budget talks")


def test_testified_that_reports_a_clause():
    quotes = extract_quotes("Inspector Hale testified on Tuesday that the valves had never been replaced.")
    q = only(quotes)
    assert q.kind == "reported" and q.speaker == "Hale" and q.text.startswith("the valves")


def test_retorted_credits_the_quote():
    quotes = extract_quotes('"That is simply not true," Okafor retorted.')
    assert only(quotes).speaker == "Okafor" and only(quotes).kind == "direct"


def test_shouted_and_chanted_quotes():
    text = ('Outside the hall, protesters chanted: "No more cuts!"\n'
            '"Get out of the road," Mills shouted at the crowd.')
    quotes = extract_quotes(text)
    assert find(quotes, "No more cuts").speaker == "protesters"
    assert find(quotes, "Get out of").speaker == "Mills"


def test_slammed_credits_a_quoted_fragment():
    quotes = extract_quotes('The union slammed the proposal as "a slap in the face" for nurses.')
    q = only(quotes)
    assert q.kind == "partial" and q.speaker == "the union"


def test_continued_credits_the_next_quote():
    text = '"We tried everything," Dorsey said. "Then," she continued, "the money ran out."'
    quotes = extract_quotes(text)
    assert find(quotes, "the money ran out").speaker == "Dorsey"


def test_advised_that_reports_a_clause():
    quotes = extract_quotes("Officials advised residents that the water was safe to drink again.")
    q = only(quotes)
    assert q.speaker == "Officials" and q.text.startswith("the water")


def test_continued_without_a_quote_attributes_nothing():
    assert extract_quotes("The fighting continued for a third day near the border town.") == []


def test_we_urge_in_a_speech_is_no_report():
    assert extract_quotes("We urge all parties to return to the negotiating table.") == []


# --------------------------------------------------------------------------- manner adverbs after the cue

def test_manner_adverb_after_a_closing_cue():
    quotes = extract_quotes("The plan will not pass this year, the senator said flatly.")
    q = only(quotes)
    assert q.kind == "reported" and q.speaker == "the senator" and q.text.startswith("The plan")


def test_manner_adverb_after_a_quote():
    quotes = extract_quotes('"Great job, everyone," Patel wrote sarcastically on social media.')
    assert only(quotes).speaker == "Patel" and only(quotes).kind == "direct"


def test_manner_adverb_before_that():
    quotes = extract_quotes("Reyes said flatly that the company would not raise wages.")
    q = only(quotes)
    assert q.speaker == "Reyes" and q.text.startswith("the company")


# --------------------------------------------------------------------------- noun and prepositional cues

def test_according_to_before_the_clause():
    q = only(extract_quotes("According to the transport ministry, the ferry will sail again on Monday."))
    assert (q.kind, q.speaker, q.text) == ("reported", "the transport ministry", "the ferry will sail again on Monday")


def test_according_to_after_the_clause():
    q = only(extract_quotes("The ferry will sail again on Monday, according to three port officials."))
    assert (q.kind, q.speaker, q.text) == ("reported", "three port officials", "The ferry will sail again on Monday")


def test_according_to_past_a_relative_clause():
    q = only(extract_quotes("According to two diplomats, who asked not to be named, the bridge was never inspected."))
    assert (q.speaker, q.text) == ("two diplomats", "the bridge was never inspected")


def test_according_to_a_text_quotes_nobody():
    assert extract_quotes("According to the Charter, disputes shall be settled by peaceful means.") == []
    text = "According to the report of the Secretary-General, famine has spread to three provinces."
    assert extract_quotes(text, document_speaker="Ms. Okafor") == []


def test_nested_according_to_keeps_the_speaker():
    q = only(extract_quotes("Mayor Ines Caro said the levy would be scrapped, according to a recording obtained "
                            "by the newspaper."))
    assert q.speaker == "Ines Caro" and q.text.startswith("the levy would be scrapped")


def test_said_in_a_statement_with_a_long_tail():
    q = only(extract_quotes("Both ports will reopen next week, the two governments said in a joint statement on "
                            "Friday after talks between their transport ministers in the northern city of Tromso."))
    assert (q.speaker, q.text) == ("the two governments", "Both ports will reopen next week")


def test_speaker_then_in_a_statement_colon_quote():
    q = only(extract_quotes('Rep. Dana Whitlock (R-Ohio), in a statement: "This bill is dead on arrival."'))
    assert (q.kind, q.speaker, q.text) == ("direct", "Dana Whitlock", "This bill is dead on arrival.")


def test_possessive_statement_is_its_owner_speaking():
    q = only(extract_quotes("Lindqvist's statement said the mill would stay open through the winter."))
    assert (q.kind, q.speaker) == ("reported", "Lindqvist")


def test_in_an_interview_before_the_speaker():
    q = only(extract_quotes('In an interview with a local radio station, Tomas Berg said the plan was "half-baked".'))
    assert (q.kind, q.speaker, q.text) == ("partial", "Tomas Berg", "half-baked")


def test_possessive_warning_that_quotes_a_fragment():
    q = only(extract_quotes('Rossi\'s warning that the coast was "left to fend for itself" angered the north.'))
    assert (q.kind, q.speaker, q.text) == ("partial", "Rossi", "left to fend for itself")


def test_named_speaker_repeating_a_claim():
    q = only(extract_quotes("Senator Hal Brody repeated the claim that the tunnel would cost twice the estimate."))
    assert (q.kind, q.speaker, q.text) == ("reported", "Hal Brody", "the tunnel would cost twice the estimate")


def test_unowned_claim_is_no_quote():
    assert extract_quotes("The claim that the tunnel would cost twice the estimate has been widely shared.") == []


def test_warning_that_without_an_owner_is_still_a_participle():
    q = only(extract_quotes("The ministry closed the bay, warning that the storm would strengthen overnight."))
    assert (q.speaker, q.text) == ("the ministry", "the storm would strengthen overnight")


# --------------------------------------------------------------------------- news it had not seen (issue 12)

def triples(text: str, **kwargs) -> list[tuple[str, str | None, str]]:
    return [(q.kind, q.speaker, q.text) for q in extract_quotes(text, **kwargs)]


def test_quote_marks_typed_as_two_characters():
    text = "``We will rebuild the pier,'' the harbour master said. ''Not this year, though.''"
    assert triples(text) == [("direct", "the harbour master", "We will rebuild the pier,"),
                             ("direct", "the harbour master", "Not this year, though.")]
    assert extract_quotes(text)[0].context.startswith("``We will")  # the source's own marks


def test_show_titles_and_handles_are_no_quotes():
    text = 'Appearing on "Morning Edition With Sal Ortiz," Ruiz said the levy would pass.'
    assert triples(text) == [("reported", "Ruiz", "the levy would pass")]
    assert extract_quotes('She posted the photo as "@harbourwatch" and left.') == []


def test_coined_title_case_phrase_is_still_a_quote():
    q = only(extract_quotes('Lund accused the pair of building a "Northern Cartel" in the Senate.'))
    assert (q.kind, q.speaker, q.text) == ("partial", "Lund", "Northern Cartel")


def test_party_tag_age_and_appositives_before_the_cue():
    assert triples("Rep. Lena Kovacs (D-Ore.), 58, said the dam would stay open.") == \
        [("reported", "Lena Kovacs", "the dam would stay open")]
    assert triples("Tomas Berg, 61, a retired ferry captain, who has fished the bay for decades, said the "
                   "quotas were too tight.") == [("reported", "Tomas Berg", "the quotas were too tight")]
    assert triples("Aled Price (Lab, Cardiff North) insisted the yard would reopen.") == \
        [("reported", "Aled Price", "the yard would reopen")]


def test_noun_like_present_form_closing_a_quote():
    text = 'Mira Holt runs the shelter. "We ran out of sandbags twice," she jokes.'
    assert triples(text) == [("direct", "Mira Holt", "We ran out of sandbags twice,")]


def test_base_form_after_a_plural_subject():
    assert triples("Local fishermen argue the quotas have favoured the big trawlers.") == \
        [("reported", "Local fishermen", "the quotas have favoured the big trawlers")]
    assert extract_quotes("We argue the quotas have favoured the big trawlers.", document_speaker="Ms. Holt") == []


def test_a_survey_finds_and_its_named_author_is_the_source():
    assert triples("A survey published on Monday found that most tenants pay a third of their income in rent.") == \
        [("reported", "a survey", "most tenants pay a third of their income in rent")]
    text = "A report released in May by the Dockworkers Union found that wages had fallen for six years."
    assert only(extract_quotes(text)).speaker == "the Dockworkers Union"
    text = "Rents rose 9 percent, according to a study published last week by the Housing Trust of Ontario."
    assert only(extract_quotes(text)).speaker == "the Housing Trust of Ontario"
    assert extract_quotes("Police found the car near the river on Sunday.") == []


def test_described_speakers_keep_their_descriptions():
    assert triples('A heckler near the stage shouted that the mayor had "sold out the valley."') == \
        [("partial", "a heckler near the stage", "sold out the valley.")]
    assert triples("A spokesperson for Governor Ida Lund said the budget would be balanced.") == \
        [("reported", "a spokesperson for Governor Ida Lund", "the budget would be balanced")]
    text = '"We are watching closely," said one senior official in the finance ministry, who asked not to be named.'
    assert only(extract_quotes(text)).speaker == "one senior official in the finance ministry"


def test_listed_places_after_a_described_group():
    q = only(extract_quotes('Majorities in Norway, Sweden and Finland said the tax was "unfair."'))
    assert (q.kind, q.speaker) == ("partial", "Majorities in Norway, Sweden and Finland")


def test_question_mark_before_the_attribution():
    assert triples('"Is that fair?" Ortega asked. "I think not."') == \
        [("direct", "Ortega", "Is that fair?"), ("direct", "Ortega", "I think not.")]


def test_subordinate_clause_before_a_closing_attribution():
    q = only(extract_quotes("If the river rises again, the town will close the bridge, Ortega said."))
    assert (q.kind, q.speaker) == ("reported", "Ortega")
    assert q.text == "If the river rises again, the town will close the bridge"


def test_reported_clause_stops_at_a_coordinated_cue():
    text = 'Ortega told reporters the bridge would reopen, but conceded "it may take a year."'
    assert triples(text) == [("reported", "Ortega", "the bridge would reopen"),
                             ("partial", "Ortega", "it may take a year.")]


def test_unquoted_conjuncts_of_a_clause_holding_a_quote():
    text = 'Ortega said the plan was "a good start" and would keep the ferries running through the winter months.'
    assert triples(text) == [("partial", "Ortega", "a good start"),
                             ("reported", "Ortega", "would keep the ferries running through the winter months")]
    text = 'Ortega said she had met the union leaders on Friday and found them "ready to talk."'
    assert triples(text) == [("reported", "Ortega", "she had met the union leaders on Friday"),
                             ("partial", "Ortega", "ready to talk.")]


def test_the_speakers_own_later_action_is_no_report():
    q = only(extract_quotes("The council said the levy was legal but stopped short of promising a refund."))
    assert q.text == "the levy was legal"


def test_with_x_adding_is_x_speaking():
    text = 'The Greens attacked the plan, with their housing spokesman Omar Dale adding: "It is a giveaway."'
    assert only(extract_quotes(text)).speaker == "Omar Dale"


def test_colon_after_a_verb_and_roundup_lines():
    assert triples('The chairwoman, Ruth Ames, intervened: "Order, please."') == \
        [("direct", "Ruth Ames", "Order, please.")]
    assert triples('Nadia Kerr, Harbor Weekly: "The vote was a farce."') == \
        [("direct", "Nadia Kerr", "The vote was a farce.")]
    assert triples('Sen. Ivo Brandt (R-Utah), on X: "We held the line."') == \
        [("direct", "Ivo Brandt", "We held the line.")]


def test_a_whole_utterance_right_after_a_cue_is_direct():
    assert triples('The crowd chanted "Shame! Shame!" as the minister left.') == \
        [("direct", "the crowd", "Shame! Shame!")]


def test_descriptions_of_someone_already_named():
    text = "Gov. Ana Ruiz toured the plant on Monday. The Democratic governor said the jobs would stay."
    assert only(extract_quotes(text)).speaker == "Ana Ruiz"
    text = 'Campaigner Jo Byrne lost her home in the flood. "Nobody came," the mother-of-two told the Gazette.'
    assert only(extract_quotes(text)).speaker == "Jo Byrne"
    text = ('Ruiz spoke to CNN\'s Tom Hale on Sunday. The CNN host noted that the plant had lost money '
            'for a decade.')
    assert only(extract_quotes(text)).speaker == "Tom Hale"


def test_a_lede_describes_the_speaker_it_names_later():
    text = ('A veteran harbour pilot warned on Monday that the channel was "too shallow for the new ships."\n\n'
            'Leo Marsh, 64, has guided ships into the port for 30 years. "I saw this coming," he said.')
    assert [q.speaker for q in extract_quotes(text)] == ["Leo Marsh", "Leo Marsh"]
    text = ('A senior official warned on Monday that the channel was "too shallow for the new ships."\n\n'
            'Leo Marsh, 64, has guided ships into the port for 30 years. "I saw this coming," he said.')
    assert [q.speaker for q in extract_quotes(text)] == ["a senior official", "Leo Marsh"]


def test_pronoun_is_not_the_subject_of_what_it_said():
    text = "Nora Reyes ran the clinic for years. Funding, she says, has never been this tight."
    assert triples(text) == [("reported", "Nora Reyes", "Funding"),
                             ("reported", "Nora Reyes", "has never been this tight")]


def test_pronoun_after_a_person_just_introduced():
    text = ('Kell testified first. Later the committee heard from Dana Ruiz, whose farm flooded twice. '
            '"We lost everything," she told the panel.')
    assert only(extract_quotes(text)).speaker == "Dana Ruiz"


def test_dateline_before_the_subject():
    assert triples("LISBON — Fishermen say they will not sail until the quotas change.") == \
        [("reported", "Fishermen", "they will not sail until the quotas change")]


def test_abstract_subjects_and_references_are_no_speakers():
    assert extract_quotes("The timing of the statement suggests that it was rushed.") == []
    assert extract_quotes("The programme referred to in paragraph four has ended.") == []
    q = only(extract_quotes('She referred to the offer as "a coupon, not a cure."'))
    assert (q.kind, q.text) == ("partial", "a coupon, not a cure.")


def test_a_speech_credits_nothing_to_its_texts():
    text = ('The Charter reaffirmed faith in human rights. It further spoke of "the dignity and worth of '
            'the human person". The report of the Secretary-General shows that hunger is rising.')
    quotes = extract_quotes(text, document_speaker="Mr. Okafor")
    assert all(q.speaker is None for q in quotes) and not [q for q in quotes if q.kind == "reported"]


UNGDC = ROOT.parent / "shared" / "corpora" / "ungdc-1946-2024.jsonl.gz"


@pytest.mark.skipif(not UNGDC.exists(), reason="UNGDC corpus not present")
def test_no_ungdc_quote_is_credited_to_a_text(registry):
    """On the first 150 General Debate speeches nothing is said by the Charter, a report, a
    resolution or the Assembly."""
    import gzip
    import json
    import re
    cited = re.compile(r"\b(?:charter|report|resolution|assembly|treaty|declaration|covenant|convention)s?\b", re.I)
    with gzip.open(UNGDC, "rt", encoding="utf-8") as lines:
        records = [json.loads(line) for line, _ in zip(lines, range(150))]
    for record in records:
        own = registry.canonical(record["speaker"]) if record.get("speaker") else None
        for quote in extract_quotes(record["text"], registry, document_speaker=own):
            assert not (quote.speaker and cited.search(quote.speaker)), (record["id"], quote.to_dict())


@pytest.mark.parametrize("text", [
    "Rest assured that the United Nations has our fullest commitment. We will not rest until it is done.",
    "Even if the community rises to the challenge and confirms that faith is not enough, we must act. "
    "Peace is even more urgent now.",
])
def test_a_common_word_opening_a_sentence_is_no_speaker(text):
    assert all(q.speaker not in ("Rest", "Even") for q in extract_quotes(text, document_speaker="Jane Doe"))


def test_a_name_said_once_at_a_sentence_start_still_speaks():
    quotes = extract_quotes("Aristotle said that man is by nature a political animal.", document_speaker="Jane Doe")
    assert [q.speaker for q in quotes] == ["Aristotle"]


# --------------------------------------------------------------------------- speakers in news prose

def test_pronoun_skips_the_object_of_the_previous_sentence():
    text = ('Councillor Maud Ferris sat beside Mayor Glen Ashby at the opening. "This was ten years late," '
            'she said.')
    assert only(extract_quotes(text)).speaker == "Maud Ferris"


def test_subject_phrase_ends_before_an_irregular_past():
    text = 'Ms. Rowe met the trade minister, Ivo Stan, in Riga. "We settled nothing," she said afterwards.'
    assert only(extract_quotes(text)).speaker == "Rowe"


def test_subject_phrase_ends_before_a_present_verb():
    text = ('Robin Vale chairs the audit panel. She told colleagues the accounts were late.\n\n'
            'Paul Brandt, the treasurer, objected to the timetable. "We will wait," she said.')
    quotes = extract_quotes(text)
    assert find(quotes, "the accounts were late").speaker == "Robin Vale"
    assert find(quotes, "We will wait").speaker == "Robin Vale"


def test_given_names_tell_he_from_she():
    text = ('Anton Kell opened the session. Then Olga Marsh, the auditor, took the floor.\n\n'
            '"The books do not balance," he said.')
    assert only(extract_quotes(text)).speaker == "Anton Kell"


def test_a_reported_he_teaches_the_speakers_gender():
    text = ('Sasha Lind said she would stand again. Noor Kasem said he would not. '
            '"It is the end of an era," she said.')
    assert find(extract_quotes(text), "end of an era").speaker == "Sasha Lind"


def test_party_tag_between_commas_is_no_speaker():
    q = only(extract_quotes("Sen. Dale Rusk, R-Okla., said the waiver would expire in June."))
    assert q.speaker == "Dale Rusk" and q.text == "the waiver would expire in June"


def test_indefinite_description_in_apposition_is_no_speaker():
    q = only(extract_quotes("Rep. Lena Cruz, a Nevada Democrat, said the hearing had been a farce."))
    assert q.speaker == "Lena Cruz"


def test_personal_title_keeps_a_surname_that_is_a_common_noun():
    q = only(extract_quotes("Sen. Tom Banks (R-Ind.) said in a statement that the ruling was wrong."))
    assert q.speaker == "Tom Banks"


def test_outlet_possessive_before_a_staff_name():
    text = 'NBC\'s Ada Voss pressed the governor on the budget. "Will you veto it?" Voss asked.'
    assert only(extract_quotes(text)).speaker == "Ada Voss"


def test_inverted_role_then_name_in_apposition():
    q = only(extract_quotes("The truce would hold, said the defence minister, Omar Haddad."))
    assert q.speaker == "Omar Haddad" and q.text == "The truce would hold"


def test_inverted_cue_with_a_trailing_time():
    assert only(extract_quotes('"We are not finished," said Brooks on Friday.')).speaker == "Brooks"


def test_anonymous_sources_familiar_with_a_matter():
    q = only(extract_quotes("People familiar with the talks said a deal could come within days."))
    assert q.speaker == "People familiar with the talks" and q.text == "a deal could come within days"


def test_told_skips_a_plural_addressee_and_a_place():
    q = only(extract_quotes("Hale told supporters in Ohio the race was far from over."))
    assert q.speaker == "Hale" and q.text == "the race was far from over"
    q = only(extract_quotes("The chair told colleagues the minutes had been lost."))
    assert q.text == "the minutes had been lost"


def test_more_speech_verbs_report_clauses():
    for verb in ("revealed", "disclosed", "hinted", "signaled", "alleged", "asserted", "conceded"):
        q = only(extract_quotes(f"Minister Ruiz {verb} that the contract had been cancelled."))
        assert q.speaker == "Ruiz" and q.text == "the contract had been cancelled", verb


def test_outlets_report():
    q = only(extract_quotes("The Daily Courier reported on Monday that the port would be sold."))
    assert q.speaker.casefold() == "the daily courier" and q.text == "the port would be sold"


def test_asked_opening_a_sentence_is_no_report():
    text = 'Asked by reporters whether she would resign, Dunn laughed. "Not today," she said.'
    quotes = extract_quotes(text)
    assert only(quotes).text.startswith("Not today") and only(quotes).speaker == "Dunn"


def test_mixed_case_labels_of_an_interview_are_turns():
    text = ("Interview by Ola Berg\n\n"
            "The Harbour Review: Will the ferry run this winter?\n\n"
            "Lindqvist: It will, if the council pays for the ice breaker.\n\n"
            "The Harbour Review: And if it does not?\n\n"
            "Lindqvist: Then we will walk across the ice.\n")
    quotes = extract_quotes(text)
    assert [q.speaker for q in quotes] == ["The Harbour Review", "Lindqvist", "The Harbour Review", "Lindqvist"]
    assert quotes[1].text == "It will, if the council pays for the ice breaker."


def test_a_single_mixed_case_label_is_no_transcript():
    text = 'Note: figures are provisional.\n\nGov. Ann Vale, D-Kan.: "This is a good day for the state."'
    assert only(extract_quotes(text)).speaker == "Ann Vale"


def test_questioner_outlet_in_brackets():
    text = ("SPOKESPERSON: Good afternoon.\n\n"
            "Q (Tidewater Radio): Will the envoy visit the port?\n\n"
            "SPOKESPERSON: I have nothing to announce.\n")
    assert [q.speaker.upper() for q in extract_quotes(text)] == ["SPOKESPERSON", "REPORTER", "SPOKESPERSON"]


def test_fronted_indefinite_description_is_no_antecedent():
    text = ("Ida Brandt, 51, became harbour master in May. A former pilot who trained in Bergen, she has "
            "promised a new quay. She told us the old one was \"falling into the sea\".")
    assert only(extract_quotes(text)).speaker == "Ida Brandt"


def test_occupations_and_compound_titles_before_a_name():
    assert only(extract_quotes('"We will rebuild," said Historian Elsa Moor.')).speaker == "Elsa Moor"
    assert only(extract_quotes('Dad-of-two Ray Kemp said: "We are scared."')).speaker == "Ray Kemp"
    q = only(extract_quotes("Commission Vice-President Lars Ek said the rules would change."))
    assert q.speaker == "Lars Ek"


def test_a_title_and_a_name_on_different_lines_are_not_one_phrase():
    text = ("By Tom Reed | The Coast Weekly\n\nAnna Holm chairs the board.\n\n"
            "The Coast Weekly: Is the board divided?\n\nHolm: Never.\n\nThe Coast Weekly: Really?\n\nHolm: Never.")
    assert extract_quotes(text)[0].speaker == "The Coast Weekly"


def test_relative_clause_after_an_object_names_the_speaker():
    text = ("Also appearing was Rear Adm. Dora Kell, head of the logistics agency, who told the panel that "
            "spare parts would run out by June.")
    q = only(extract_quotes(text))
    assert q.speaker == "Dora Kell" and q.text == "spare parts would run out by June"


def test_a_possessor_is_not_the_subject_a_participle_inherits():
    text = 'Okoro rejected Dunmore\'s claim that prices would fall, saying the figures "do not add up."'
    assert find(extract_quotes(text), "do not add up").speaker == "Okoro"


def test_a_lone_place_name_yields_to_a_woman_named_before():
    text = ("Trade minister Claire Vautrin warned that France could close the port. Dover handles most of the "
            "traffic.\n\n\"We will do it if we must,\" she told reporters.")
    assert find(extract_quotes(text), "We will do it").speaker == "Claire Vautrin"


def test_added_goes_on_with_the_titled_speaker_just_quoted():
    text = ("Minister of State for Ports Ravi Das met Transport Minister Omar Said on Monday. Das said the "
            "new berths would open in May.\n\n\"We keep our promises,\" the minister added.")
    assert find(extract_quotes(text), "We keep our promises").speaker == "Ravi Das"


def test_a_capitalised_name_ending_in_ed_is_no_participle():
    text = 'In Male, opposition leader Mohamed Rasheed welcomed the deal but said it had "come too late".'
    assert only(extract_quotes(text)).speaker == "Mohamed Rasheed"


def test_a_speaker_reporting_a_finding_keeps_the_quote():
    text = 'Alder, the party whip, posted on X that the survey showed "voters have moved on" from the scandal.'
    assert only(extract_quotes(text)).speaker == "Alder"


def test_a_nearer_speech_cue_that_leads_to_the_quote_wins():
    text = ('The study found that rents had doubled in a decade, a trend that its authors described as "a '
            'slow eviction."')
    assert find(extract_quotes(text), "slow eviction").speaker == "its authors"
    text = 'Tan said in a statement that the ministry welcomed the vote and would "keep fighting for jobs."'
    assert find(extract_quotes(text), "keep fighting").speaker == "Tan"


def test_a_time_before_the_comma_keeps_the_chain_closed():
    text = ("Mayor Pia Lunde, speaking to local radio late on Friday, said the bridge would reopen "
            "in spring.")
    q = only(extract_quotes(text))
    assert q.speaker == "Pia Lunde" and q.text == "the bridge would reopen in spring"


def test_as_clause_mid_sentence_makes_a_fragment():
    text = ('The square is fenced with steel "hedgehogs" and the town is, as Ruud puts it, "holding its '
            'breath."')
    quotes = extract_quotes(text)
    q = only(quotes)
    assert (q.kind, q.speaker) == ("partial", "Ruud")


def test_his_warning_that_is_the_pronouns():
    text = 'Grieve said he would wait a month. His warning that the board could "lose its licence" worked.'
    assert find(extract_quotes(text), "lose its licence").speaker == "Grieve"


def test_roundup_line_with_a_long_description():
    text = ('Musa Idris, a former envoy to the African Union, speaking to local radio: "Paper does not stop '
            'drones."')
    assert only(extract_quotes(text)).speaker == "Musa Idris"


def test_last_night_between_speaker_and_cue():
    q = only(extract_quotes('Harbour minister Ewan Tait last night slammed the plan as "pure vandalism".'))
    assert q.speaker == "Ewan Tait"


def test_plural_subjects_claim_and_estimate():
    q = only(extract_quotes("Local growers claim they were never consulted about the new levy."))
    assert q.speaker == "Local growers" and q.text.startswith("they were never consulted")
    q = only(extract_quotes("Economists estimate that the levy will cost 3,000 jobs."))
    assert q.speaker == "Economists"
    assert extract_quotes("The delegation takes note that the report was late.") == []


def test_a_cue_after_a_determiner_is_an_adjective():
    assert extract_quotes('The objections rest on the alleged "weakness" of the fleet.') == []


def test_inverted_anonymous_source_keeps_its_relative_clause():
    q = only(extract_quotes('"Nobody wants a war," said an aide who asked not to be named, after the talks.'))
    assert q.speaker == "an aide who asked not to be named"
    q = only(extract_quotes('"Stay safe, everyone," posted a user in Goma who goes by the handle @lakeside.'))
    assert q.speaker == "a user in Goma"


def test_numbered_designation_in_a_speaker_phrase():
    q = only(extract_quotes('A No 10 source hit back: "That is simply not how allies behave."'))
    assert q.speaker == "a No 10 source"


def test_weekday_between_cue_and_that():
    q = only(extract_quotes("The Harbour Times reported Monday that the ferry contract had been cancelled."))
    assert q.text == "the ferry contract had been cancelled"


def test_so_called_marks_a_term_not_a_quote():
    text = 'Officials said the so-called "sunset" clause was "a dead letter" within a year.'
    quotes = extract_quotes(text)
    assert [q.text for q in quotes if q.kind == "partial"] == ["a dead letter"]


def test_possessor_and_modifier_before_an_outlet():
    text = 'Russia\'s state-run Evening Herald gloated that the sanctions had "achieved nothing."'
    assert only(extract_quotes(text)).speaker == "Evening Herald"


def test_according_to_an_owners_figures():
    q = only(extract_quotes("Grain exports fell 12 percent, according to the Farm Ministry's own figures."))
    assert q.speaker == "the Farm Ministry" and q.text == "Grain exports fell 12 percent"


def test_an_organisation_named_project_is_no_person():
    q = only(extract_quotes("The Clean Harbour Project said the dredging would harm the reef."))
    assert q.speaker.casefold() == "the clean harbour project"


def test_a_heading_line_reports_nothing():
    text = "14:05 – Ceasefire text agreed, officials say\n\nThe text was agreed at noon, officials said."
    quotes = extract_quotes(text)
    assert [q.text for q in quotes] == ["The text was agreed at noon"]


def test_as_clause_between_two_halves_credits_both():
    text = '"Peace," as Marshal Ivo Brandt once said, "is won every single day."'
    quotes = extract_quotes(text)
    assert [q.speaker for q in quotes] == ["Ivo Brandt", "Ivo Brandt"]


def test_as_clause_after_a_fragment_credits_it():
    text = 'They call the new tariffs a "fair deal", as the trade envoy put it, though few agree.'
    assert only(extract_quotes(text)).speaker == "the trade envoy"


def test_a_single_name_with_a_title_is_a_person_for_pronouns():
    text = ("Admiral Rook spoke at the naval college on Monday. Norway had sent observers. The time had come, "
            "he said, for a new fleet.")
    quotes = extract_quotes(text)
    assert {q.speaker for q in quotes} == {"Rook"}


def test_a_quote_paragraph_after_a_new_person_is_that_persons():
    text = ('Mayor Ines Falk said the budget was tight. "We cut where we could," she said. Councillor Piet '
            'Maas disagreed.\n\n"They cut the wrong things."')
    assert find(extract_quotes(text), "wrong things").speaker == "Piet Maas"
    text = ('"We cut where we could," said Mayor Ines Falk. The vote is due next week.\n\n'
            '"We have no other choice."')
    assert find(extract_quotes(text), "no other choice").speaker == "Ines Falk"


def test_a_pronoun_finds_a_person_named_in_apposition():
    text = ('Ana Molina and her deputy, Peter Ferrer, met the press. "We have a plan," she said. "And we '
            'have the money," he added.')
    assert find(extract_quotes(text), "have the money").speaker == "Peter Ferrer"


def test_went_on_to_say():
    q = only(extract_quotes("Ms. Varga went on to say that the strike would continue into May."))
    assert q.speaker == "Varga" and q.text == "the strike would continue into May"


def test_a_statement_from_a_named_body_is_the_bodys():
    q = only(extract_quotes("A statement from the Harbour Authority said the quay would reopen."))
    assert q.speaker == "the Harbour Authority"


def test_an_existential_there_opens_a_reported_clause():
    q = only(extract_quotes("The premier has insisted there will be no second vote on the treaty."))
    assert q.speaker == "the premier" and q.text == "there will be no second vote on the treaty"
    assert extract_quotes("The premier said there on Monday.") == []


def test_a_reports_author_set_off_by_commas():
    q = only(extract_quotes("The review, published by the Audit Office on Monday, found that costs had doubled."))
    assert q.speaker == "the Audit Office" and q.text == "costs had doubled"
