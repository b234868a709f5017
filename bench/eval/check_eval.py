"""Validate the hand-written scoring evaluation set (bench/eval/scoring/<module>.yaml).

The set is written by outside graders blind to the scorer (format: /work/notes/eval-format.md), so
nothing else checks that its slugs, kinds and labels still match the packs. This script does, and
prints counts so a reviewer can see at a glance what a file contains.

Usage: .venv/bin/python bench/eval/check_eval.py [--require-labels] [FILE ...]
With no FILE, every *.yaml under bench/eval/scoring/ is checked. Exit status 1 on any error.
Word-count ranges are reported as warnings only: they describe the intended answer, they are not a
hard property of it.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from talentsync.packs import PackError, QuestionPack, load_pack  # noqa: E402

SCORING_DIR = ROOT / "bench" / "eval" / "scoring"
PACKS_DIR = ROOT / "packs"

# Answers per question, by kind (eval-format.md).
REQUIRED_KINDS: dict[str, int] = {
    "strong": 2,
    "weak": 2,
    "off_topic_same_domain": 1,
    "off_topic_unrelated": 1,
    "keyword_prose": 1,
    "fluff": 1,
    "terse_expert": 1,
    "padded": 1,
    "echo": 1,
}
LABELLED_KINDS = {"strong", "weak", "terse_expert"}
LABEL_VALUES = {"covered", "partly", "missed"}
# Intended lengths in words; off_topic_same_domain has none in the format, so it is not checked.
WORD_RANGES: dict[str, tuple[int, int]] = {
    "strong": (120, 280),
    "weak": (50, 150),
    "off_topic_unrelated": (80, 200),
    "keyword_prose": (80, 200),
    "fluff": (100, 200),
    "terse_expert": (20, 45),
    "padded": (280, 350),
    "echo": (60, 150),
}


class Report:
    def __init__(self, name: str) -> None:
        self.name = name
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def error(self, msg: str) -> None:
        self.errors.append(msg)

    def warn(self, msg: str) -> None:
        self.warnings.append(msg)


def _check_answer(
    ans: dict[str, Any],
    slug: str,
    pack: QuestionPack,
    points: list[str],
    seen_ids: set[str],
    rep: Report,
    kinds: Counter[str],
    label_values: Counter[str],
    require_labels: bool,
) -> bool:
    """Check one answer; return True when it is a labellable answer that carries no labels."""
    aid = ans.get("id")
    kind = ans.get("kind")
    text = ans.get("text")
    if not isinstance(aid, str) or not aid:
        rep.error(f"{slug}: answer without an id")
        return False
    if aid in seen_ids:
        rep.error(f"{aid}: duplicate id")
    seen_ids.add(aid)
    if kind not in REQUIRED_KINDS:
        rep.error(f"{aid}: unknown kind {kind!r}")
        return False
    kinds[kind] += 1
    if not aid.startswith(f"{slug}-{kind}-"):
        rep.error(f"{aid}: id should be {slug}-{kind}-<n>")
    if not isinstance(text, str) or not text.strip():
        rep.error(f"{aid}: empty text")
    else:
        lo, hi = WORD_RANGES.get(kind, (0, 10**6))
        words = len(text.split())
        if not lo <= words <= hi:
            rep.warn(f"{aid}: {words} words, intended {lo}-{hi}")

    target = ans.get("answers_question")
    if kind == "off_topic_same_domain":
        if target not in pack.all_slugs():
            rep.error(f"{aid}: answers_question {target!r} is not a question of pack {pack.slug}")
        elif target == slug:
            rep.error(f"{aid}: answers_question is the question itself")
    elif target is not None:
        rep.error(f"{aid}: answers_question is only for off_topic_same_domain")

    labels = ans.get("labels")
    if kind not in LABELLED_KINDS:
        if labels is not None:
            rep.error(f"{aid}: kind {kind} must not carry labels")
        return False
    if labels is None:
        if require_labels:
            rep.error(f"{aid}: no labels")
        return True
    if not isinstance(labels, dict):
        rep.error(f"{aid}: labels must be a mapping of point -> value")
        return False
    for key, value in labels.items():
        if key not in points:
            rep.error(f"{aid}: label {key!r} is not a listening point of {slug}")  # the grader's own text
        if value not in LABEL_VALUES:
            rep.error(f"{aid}: label value {value!r} for {key!r} not in {sorted(LABEL_VALUES)}")
        else:
            label_values[value] += 1
    # A partly labelled answer is a grader slip, never intended, so it is an error even in phase 1.
    # Count only: graders may run this before phase 2, and must not see the pack's points then.
    missing = [p for p in points if p not in labels]
    if missing:
        rep.error(f"{aid}: no label for {len(missing)} of {len(points)} listening points")
    return False


def check_file(path: Path, require_labels: bool) -> Report:
    rep = Report(str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path))
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        rep.error(f"YAML does not parse: {exc}")
        return rep
    if not isinstance(data, dict) or not isinstance(data.get("questions"), list):
        rep.error("expected a mapping with 'module' and a list 'questions'")
        return rep
    module = data.get("module")
    if module != path.stem:
        rep.error(f"module {module!r} does not match the file name {path.stem!r}")
    try:
        pack = load_pack(PACKS_DIR / f"{module}.yaml")
    except (PackError, OSError) as exc:
        rep.error(f"cannot load pack for module {module!r}: {exc}")
        return rep
    pack_questions = {q.slug: q for q in pack.questions}

    seen_ids: set[str] = set()
    seen_slugs: set[str] = set()
    kinds: Counter[str] = Counter()
    label_values: Counter[str] = Counter()
    unlabelled = 0
    for q in data["questions"]:
        slug = q.get("slug")
        if slug not in pack_questions:
            rep.error(f"question {slug!r} is not in pack {pack.slug}")
            continue
        if slug in seen_slugs:
            rep.error(f"question {slug} appears twice")
        seen_slugs.add(slug)
        points = [kp.point for kp in pack_questions[slug].key_points]
        q_kinds: Counter[str] = Counter()
        for ans in q.get("answers") or []:
            if not isinstance(ans, dict):
                rep.error(f"{slug}: answer is not a mapping")
                continue
            unlabelled += _check_answer(ans, slug, pack, points, seen_ids, rep, q_kinds, label_values, require_labels)
        for kind, want in REQUIRED_KINDS.items():
            if q_kinds[kind] != want:
                rep.error(f"{slug}: {q_kinds[kind]} answers of kind {kind}, want {want}")
        kinds.update(q_kinds)

    print(f"{rep.name}: {len(seen_slugs)} questions, {sum(kinds.values())} answers")
    print("  kinds: " + ", ".join(f"{k}={kinds[k]}" for k in REQUIRED_KINDS))
    labelled = sum(kinds[k] for k in LABELLED_KINDS) - unlabelled
    print(
        f"  labelled answers: {labelled}, unlabelled: {unlabelled}; labels: "
        + ", ".join(f"{v}={label_values[v]}" for v in sorted(LABEL_VALUES))
    )
    return rep


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument(
        "--require-labels", action="store_true", help="phase 2: every strong/weak/terse_expert answer must be labelled"
    )
    args = parser.parse_args(argv)
    files = [p.resolve() for p in args.files] or sorted(SCORING_DIR.glob("*.yaml"))
    if not files:
        print(f"no evaluation files under {SCORING_DIR}")
        return 1
    failed = False
    for path in files:
        rep = check_file(path, args.require_labels)
        for w in rep.warnings:
            print(f"  warning: {w}")
        for e in rep.errors:
            print(f"  ERROR: {e}")
        failed = failed or bool(rep.errors)
    print("FAILED" if failed else "OK")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
