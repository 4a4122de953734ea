"""Score ``extract_quotes`` against hand-made gold quotes.

    python -m search.ingest.quotes.evaluate GOLD.yaml [TEXT_FILE] [--speakers speakers.yaml] [-v]
    python -m search.ingest.quotes.evaluate tests/gold/*.yaml          # several gold files, pooled

A gold file (see shared/eval/seed-gold.yaml) lists ``quotes`` with a verbatim
``text``, a ``speaker``, a ``kind`` (direct | partial | reported; ``indirect``, the
annotators' older word, is read as reported) and optionally
``also_accept`` (other speaker names that are right too). ``text_file`` (relative
to the gold file) names the article when TEXT_FILE is not given, and
``document_speaker`` is passed on for speeches.

A prediction matches a gold quote when their character spans overlap by at least
half of their union, so a quote found with or without its final comma still
counts; matching is one-to-one, best overlap first. Speakers are compared
case-insensitively. Scores are given for extraction alone and for extraction
with the right speaker, overall and per kind group (direct+partial, reported).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from search.ingest.quotes.assemble import extract_quotes
from search.ingest.quotes.quote import Quote
from search.ingest.speakers import SpeakerRegistry

GROUPS = {"direct+partial": ("direct", "partial"), "reported": ("reported",)}
# Gold files may name reported speech by its older name.
GOLD_KINDS = {"indirect": "reported"}
MIN_OVERLAP = 0.5


def load_gold(gold_path: str | Path, text_path: str | Path | None = None) -> tuple[dict, str]:
    """The gold data and the article text, with every gold quote located in the text."""
    gold_path = Path(gold_path)
    data = yaml.safe_load(gold_path.read_text(encoding="utf-8")) or {}
    if text_path is None:
        if "text_file" not in data:
            raise ValueError(f"{gold_path}: no text_file key; give the text file on the command line")
        text_path = gold_path.parent / data["text_file"]
    text = Path(text_path).read_text(encoding="utf-8")
    pos = 0
    for item in data.get("quotes", []):
        found = text.find(item["text"], pos)
        if found < 0:
            found = text.find(item["text"])
        if found < 0:
            raise ValueError(f"{gold_path}: gold text not in {text_path}: {item['text'][:60]!r}")
        item["start"], item["end"] = found, found + len(item["text"])
        item["kind"] = GOLD_KINDS.get(item.get("kind"), item.get("kind"))
        pos = found
    return data, text


def match(gold: list[dict], predicted: list[Quote]) -> list[tuple[int, int]]:
    """One-to-one (gold index, predicted index) pairs whose overlap/union >= MIN_OVERLAP."""
    pairs = []
    for g, item in enumerate(gold):
        for p, quote in enumerate(predicted):
            overlap = min(item["end"], quote.end) - max(item["start"], quote.start)
            if overlap <= 0:
                continue
            union = max(item["end"], quote.end) - min(item["start"], quote.start)
            if overlap / union >= MIN_OVERLAP:
                pairs.append((overlap / union, g, p))
    taken_g, taken_p, result = set(), set(), []
    for _, g, p in sorted(pairs, reverse=True):
        if g not in taken_g and p not in taken_p:
            taken_g.add(g)
            taken_p.add(p)
            result.append((g, p))
    return sorted(result)


def right_speaker(item: dict, quote: Quote) -> bool:
    names = [item.get("speaker"), *item.get("also_accept", [])]
    accepted = {str(n).casefold() for n in names if n}
    return quote.speaker is not None and quote.speaker.casefold() in accepted


def _prf(tp: int, n_pred: int, n_gold: int) -> dict:
    p = tp / n_pred if n_pred else (1.0 if not n_gold else 0.0)
    r = tp / n_gold if n_gold else (1.0 if not n_pred else 0.0)
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f1, "tp": tp, "predicted": n_pred, "gold": n_gold}


def _counts(gold: list[dict], predicted: list[Quote], pairs: list[tuple[int, int]]) -> dict:
    """Raw counts overall and per kind group, for pooling across files."""
    counts = {}
    for group, kinds in {"overall": None, **GROUPS}.items():
        in_g = [kinds is None or item["kind"] in kinds for item in gold]
        in_p = [kinds is None or quote.kind in kinds for quote in predicted]
        hits = [(g, p) for g, p in pairs if in_g[g] and in_p[p]]
        counts[group] = {
            "gold": sum(in_g), "predicted": sum(in_p), "found": len(hits),
            "right_speaker": sum(right_speaker(gold[g], predicted[p]) for g, p in hits),
            "right_kind": sum(gold[g]["kind"] == predicted[p].kind for g, p in hits),
        }
    return counts


def _scores(counts: dict) -> dict:
    return {
        group: {
            "extraction": _prf(c["found"], c["predicted"], c["gold"]),
            "speaker": _prf(c["right_speaker"], c["predicted"], c["gold"]),
            "kind_accuracy": c["right_kind"] / c["found"] if c["found"] else None,
        }
        for group, c in counts.items()
    }


def score(gold_path: str | Path, text_path: str | Path | None = None,
          registry: SpeakerRegistry | None = None) -> dict:
    """Precision/recall/F1 of extraction and of extraction + right speaker, overall and per
    kind group, plus the misses, false alarms and wrong speakers for reading."""
    data, text = load_gold(gold_path, text_path)
    gold = data.get("quotes", [])
    predicted = extract_quotes(text, registry=registry, document_speaker=data.get("document_speaker"))
    pairs = match(gold, predicted)
    counts = _counts(gold, predicted, pairs)
    matched_g = {g for g, _ in pairs}
    matched_p = {p for _, p in pairs}
    result = _scores(counts)
    result["counts"] = counts
    result["missed"] = [gold[g] for g in range(len(gold)) if g not in matched_g]
    result["spurious"] = [predicted[p].to_dict() for p in range(len(predicted)) if p not in matched_p]
    result["wrong"] = [
        {"gold": gold[g], "predicted": predicted[p].to_dict()}
        for g, p in pairs
        if not right_speaker(gold[g], predicted[p]) or gold[g]["kind"] != predicted[p].kind
    ]
    return result


def score_many(gold_paths: list[str | Path], registry: SpeakerRegistry | None = None) -> dict:
    """Scores pooled over several gold files (micro-averaged), plus each file's own."""
    per_file = {str(path): score(path, registry=registry) for path in gold_paths}
    pooled: dict = {}
    for result in per_file.values():
        for group, c in result["counts"].items():
            into = pooled.setdefault(group, dict.fromkeys(c, 0))
            for key, value in c.items():
                into[key] += value
    return {"files": per_file, "pooled": _scores(pooled)}


def format_scores(scores: dict) -> str:
    lines = [f"{'':16} {'extraction P/R/F1':>26}   {'+ speaker P/R/F1':>26}   kind acc"]
    for group in ("overall", *GROUPS):
        s = scores[group]
        ext, spk = s["extraction"], s["speaker"]
        lines.append(
            f"{group:16} {ext['precision']:6.2f} {ext['recall']:6.2f} {ext['f1']:6.2f}"
            f" ({ext['tp']:>3}/{ext['predicted']:>3}/{ext['gold']:>3})"
            f"   {spk['precision']:6.2f} {spk['recall']:6.2f} {spk['f1']:6.2f} ({spk['tp']:>3})"
            f"   {'-' if s['kind_accuracy'] is None else format(s['kind_accuracy'], '.2f')}")
    return "\n".join(lines)


def _details(result: dict) -> str:
    out = []
    for item in result["missed"]:
        out.append(f"  missed   [{item['kind']}] {item.get('speaker')}: {item['text'][:70]!r}")
    for item in result["spurious"]:
        out.append(f"  spurious [{item['kind']}] {item['speaker']}: {item['text'][:70]!r}")
    for pair in result["wrong"]:
        g, p = pair["gold"], pair["predicted"]
        out.append(f"  wrong    [{g['kind']}->{p['kind']}] {g.get('speaker')} -> {p['speaker']}: "
                   f"{g['text'][:60]!r}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m search.ingest.quotes.evaluate", description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="+", help="GOLD.yaml [TEXT_FILE], or several gold files")
    parser.add_argument("--speakers",
                        help="speakers.yaml for name resolution (default: corpus/speakers.yaml if present)")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="list misses, false alarms and wrong speakers")
    args = parser.parse_args(argv)
    speakers = args.speakers or ("corpus/speakers.yaml" if Path("corpus/speakers.yaml").exists() else None)
    registry = SpeakerRegistry.load(speakers) if speakers else None
    golds = [f for f in args.files if f.endswith((".yaml", ".yml"))]
    texts = [f for f in args.files if f not in golds]
    if len(texts) > 1 or (texts and len(golds) != 1):
        parser.error("give one GOLD.yaml with an optional TEXT_FILE, or only gold files")
    if len(golds) == 1:
        result = score(golds[0], texts[0] if texts else None, registry)
        print(golds[0])
        print(format_scores(result))
        if args.verbose:
            print(_details(result))
        return 0
    many = score_many(golds, registry)
    for path, result in many["files"].items():
        print(path)
        print(format_scores(result))
        if args.verbose:
            print(_details(result))
        print()
    print("pooled over", len(golds), "files")
    print(format_scores(many["pooled"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
