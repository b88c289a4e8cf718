"""Runs the labelled corpus (meaning_corpus.tsv) through the gate's text rules with a fictional
register, and counts per rule: recall on blocks, false blocks on allows, precision. Used by
tests/test_gate_meaning.py and printed by `python tests/helpers/meaning_eval.py`."""

from __future__ import annotations

import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
if __name__ == "__main__":  # run as a script: the repository and tests/ on the path
    sys.path[:0] = [str(HERE.parent.parent), str(HERE.parent)]

from helpers import gate_data as gd  # noqa: E402
from generator.privacy import child_register, detect, meaning  # noqa: E402
from generator.privacy.context import Context  # noqa: E402
from generator.privacy.records_gate import text_hits  # noqa: E402

FIXTURES = HERE.parent / "fixtures" / "gate"
CORPUS = FIXTURES / "meaning_corpus.tsv"
HELDOUT = FIXTURES / "meaning_heldout.tsv"
SCHOOL_LINES = ("0599-6472105", "0599-6472106")
NEIGHBOUR_LINES = ("0599-6586000",)  # another school of the county: allowed everywhere
TOTALS = (("left_behind", 53), ("students", 300), ("migrant", 24))


@dataclass
class Row:
    line: int
    expect: str  # block | allow | review
    label: str
    kind: str
    text: str


def register_rows() -> list[dict]:
    rows = gd.children(24)
    for row in rows:
        row["学籍号"] = "G" + row["身份证号"]
    return rows


def corpus(path: Path = CORPUS) -> list[Row]:
    first = register_rows()[0]["身份证号"]
    values = {"{id0}": first, "{xueji0}": "G" + first, "{id0_spaced}": f"{first[:6]} {first[6:14]} {first[14:]}"}
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        expect, label, kind, text = line.split("\t")
        for key, value in values.items():
            text = text.replace(key, value)
        rows.append(Row(number, expect, label, kind, text))
    return rows


def context(tmp: Path) -> Context:
    folder = tmp / "schools" / "corpus"
    gd.write_csv(folder / "private" / "2025-2026-2.csv", register_rows())
    register = child_register.read_register(tmp, folder)
    deny = child_register.deny_list(register)
    allowed = frozenset(detect.phone_key(n) for n in SCHOOL_LINES + NEIGHBOUR_LINES) | detect.PUBLIC_SERVICE_LINES
    return Context(10, deny, [], {}, allowed, ("qingxi.edu.cn",), (), ("黄杉村小学", "柳浪乡中心学校", "青溪镇中心小学"),
                   "/", None, TOTALS)


def errors(text: str, ctx: Context) -> list[detect.Hit]:
    """The errors of the rules (a sentence held for review is not an error of a rule)."""
    return [h for h in text_hits(detect.fold(text), ctx) if h.severity == detect.ERROR and h.label != meaning.REVIEW]


def reviewed(text: str, ctx: Context) -> bool:
    return any(h.label == meaning.REVIEW for h in text_hits(detect.fold(text), ctx))


def review_figures(ctx: Context, path: Path = CORPUS) -> dict:
    """How many allow sentences go to review (the goal: under 2 %), how many of the sentences the
    corpus expects to be reviewed are, and how many block sentences go to review instead (none)."""
    rows = corpus(path)
    allows = [r for r in rows if r.expect == "allow"]
    expected = [r for r in rows if r.expect == "review"]
    blocks = [r for r in rows if r.expect == "block"]
    return {"allows": len(allows), "allows_reviewed": [r for r in allows if reviewed(r.text, ctx)],
            "expected": len(expected), "expected_reviewed": sum(reviewed(r.text, ctx) and not errors(r.text, ctx)
                                                                for r in expected),
            "expected_missed": [r for r in expected if not reviewed(r.text, ctx) or errors(r.text, ctx)],
            "blocks_reviewed": [r for r in blocks if reviewed(r.text, ctx)]}


def evaluate(ctx: Context, path: Path = CORPUS) -> tuple[dict, list[tuple[Row, list[str]]]]:
    """Per label: blocks, caught (any error), caught with this label, false blocks attributed to it."""
    stats: dict = defaultdict(lambda: {"blocks": 0, "caught": 0, "labelled": 0, "false": 0})
    wrong = []
    allows = 0
    for row in corpus(path):
        found = errors(row.text, ctx)
        labels = sorted({h.label for h in found})
        if row.expect == "review":
            continue  # held for a person: review_figures
        if row.expect == "block":
            entry = stats[row.label]
            entry["blocks"] += 1
            entry["caught"] += bool(found)
            entry["labelled"] += row.label in labels
            if not found:
                wrong.append((row, labels))
        else:
            allows += 1
            for label in labels:
                stats[label]["false"] += 1
            if found:
                wrong.append((row, labels))
    stats["_allows"] = {"blocks": 0, "caught": 0, "labelled": 0, "false": allows}
    return stats, wrong


def table(stats: dict) -> str:
    lines = ["| 规则 | 应拦句数 | 拦下 | 召回率 | 误拦句数 | 精确率 |", "| --- | --- | --- | --- | --- | --- |"]
    for label in sorted(k for k in stats if not k.startswith("_")):
        s = stats[label]
        recall = s["caught"] / s["blocks"] if s["blocks"] else float("nan")
        precision = s["labelled"] / (s["labelled"] + s["false"]) if s["labelled"] + s["false"] else float("nan")
        lines.append(f"| {label} | {s['blocks']} | {s['caught']} | {recall:.2f} | {s['false']} | {precision:.2f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        stats, wrong = evaluate(context(Path(tmp)), HELDOUT if "--heldout" in sys.argv else CORPUS)
    print(table(stats))
    blocks = sum(s["blocks"] for k, s in stats.items() if not k.startswith("_"))
    caught = sum(s["caught"] for k, s in stats.items() if not k.startswith("_"))
    false = sum(1 for row, labels in wrong if row.expect == "allow")
    print(f"blocks {blocks}, caught {caught} ({caught / blocks:.3f}); allows {stats['_allows']['false']}, "
          f"false blocks {false} ({false / stats['_allows']['false']:.3f})")
    for row, labels in wrong:
        print(f"  {row.line}: {row.expect} {row.label} → {labels or '通过'}: {row.text}")
    with tempfile.TemporaryDirectory() as tmp:
        figures = review_figures(context(Path(tmp)), HELDOUT if "--heldout" in sys.argv else CORPUS)
    share = len(figures["allows_reviewed"]) / figures["allows"]
    print(f"review: allows sent to review {len(figures['allows_reviewed'])}/{figures['allows']} ({share:.3f}); "
          f"expected review {figures['expected_reviewed']}/{figures['expected']}; "
          f"blocks sent to review {len(figures['blocks_reviewed'])}")
    for row in figures["allows_reviewed"] + figures["expected_missed"] + figures["blocks_reviewed"]:
        print(f"  {row.line}: {row.expect} → review? {row.text}")
