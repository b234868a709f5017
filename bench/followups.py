"""How often a follow-up is asked, and how often it names something from the candidate's answer.

    .venv/bin/python bench/followups.py [--examples 40]

Data the follow-up code was not written against: the outsider scoring set (bench/eval/scoring/*.yaml,
390 answers written blind to the packs' answers and to this code). Each answer goes through the same
steps as `find_follow_up` in activities/ml.py, without the database: the answer is embedded with the
product's embedder, its question's follow-ups are ranked by cosine similarity to their stored text
(trigger + question, as talentsync/bank.py embeds them), the best one is asked when it clears
FOLLOWUP_MIN_SIMILARITY, and the offline composer (talentsync/followup_words.py) ties it to the answer.

Printed and written to bench/results/followups.json (with the commit measured): per answer kind, the
share of answers that get a follow-up, the share of those follow-ups that name a thing from the answer,
the kinds of things named, how often a thin reply to the follow-up would get a second one
(whenever the question has one left), the composer's time per answer, and examples to read.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from provenance import head_commit  # noqa: E402

from talentsync.config import Settings  # noqa: E402
from talentsync.embeddings import default_embedder  # noqa: E402
from talentsync.followup_words import listening_text, personalise  # noqa: E402
from talentsync.packs import load_pack  # noqa: E402

EVAL_DIR = ROOT / "bench" / "eval" / "scoring"
RESULTS = ROOT / "bench" / "results" / "followups.json"
ON_TOPIC = ("strong", "weak", "terse_expert")


def run(examples: int) -> dict[str, Any]:
    settings = Settings()
    embedder = default_embedder()
    threshold = settings.followup_min_similarity
    per_kind: dict[str, Counter[str]] = {}
    named_kinds: Counter[str] = Counter()
    compose_ms: list[float] = []
    shown: list[dict[str, Any]] = []
    for path in sorted(EVAL_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text())
        pack = load_pack(ROOT / "packs" / f"{data['module']}.yaml")
        by_slug = {q.slug: q for q in pack.questions}
        for entry in data["questions"]:
            q = by_slug[entry["slug"]]
            if not q.follow_ups:
                continue
            fu_vectors = embedder.embed([f"{fu.trigger} {fu.text}".strip() for fu in q.follow_ups])
            answers = entry["answers"]
            vectors = embedder.embed([a["text"][:4000] for a in answers])
            for answer, vector in zip(answers, vectors, strict=True):
                counts = per_kind.setdefault(answer["kind"], Counter())
                counts["answers"] += 1
                sims = fu_vectors @ vector / (np.linalg.norm(fu_vectors, axis=1) * np.linalg.norm(vector))
                best = int(np.argmax(sims))
                if float(sims[best]) < threshold:
                    continue
                counts["asked"] += 1
                fu = q.follow_ups[best]
                # A thin reply to that follow-up gets the best remaining follow-up, ranked on all that was
                # said (interview_session: no similarity floor for it); it exists when there is one left.
                counts["second_on_thin"] += int(len(q.follow_ups) > 1)
                t0 = time.perf_counter()
                out = personalise(fu.text, answer["text"], question=q.text, about=listening_text(fu.key_points))
                compose_ms.append((time.perf_counter() - t0) * 1000)
                if out.thing is None:
                    continue
                # the candidate's own words (a line break inside them counts as a space)
                said = " ".join(out.thing.said.split())
                assert said in " ".join(answer["text"].split()), (out.thing, answer["id"])
                counts["named"] += 1
                named_kinds[out.thing.kind] += 1
                if answer["kind"] in ON_TOPIC:
                    shown.append(
                        {
                            "answer": answer["id"],
                            "named": out.thing.phrase,
                            "kind": out.thing.kind,
                            "sentence": out.thing.sentence,
                            "follow_up": out.text,
                        }
                    )
    step = max(1, len(shown) // examples) if examples else 0
    on = Counter[str]()
    for kind in ON_TOPIC:
        on.update(per_kind.get(kind, Counter()))
    result = {
        "commit": head_commit(),
        "data": "bench/eval/scoring (outsider answers, 6 modules)",
        "followup_min_similarity": threshold,
        "on_topic": _rates(on),
        "by_kind": {kind: _rates(c) for kind, c in sorted(per_kind.items())},
        "named_kinds": dict(named_kinds.most_common()),
        "compose_ms": {
            "p50": round(statistics.median(compose_ms), 3),
            "p95": round(float(np.percentile(compose_ms, 95)), 3),
            "max": round(max(compose_ms), 3),
        },
        "examples": shown[::step][:examples] if step else [],
    }
    return result


def _rates(c: Counter[str]) -> dict[str, Any]:
    answers, asked, named = c["answers"], c["asked"], c["named"]
    return {
        "answers": answers,
        "asked": asked,
        "asked_share": round(asked / answers, 3) if answers else None,
        "named": named,
        "named_share_of_asked": round(named / asked, 3) if asked else None,
        "second_follow_up_after_a_thin_reply": c["second_on_thin"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=40, help="examples written to the JSON to read")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    result = run(args.examples)
    on = result["on_topic"]
    print(
        f"on-topic answers (strong, weak, terse): {on['answers']}, follow-up asked {on['asked']} "
        f"({on['asked_share']}), naming a thing from the answer {on['named']} ({on['named_share_of_asked']})"
    )
    for kind, r in result["by_kind"].items():
        print(f"  {kind:22s} asked {r['asked']:3d}/{r['answers']:3d}  named {r['named']:3d}")
    print(f"a thin reply to the follow-up gets a second one: {on['second_follow_up_after_a_thin_reply']}/{on['asked']}")
    print(f"named kinds: {result['named_kinds']}; compose ms {result['compose_ms']}")
    for ex in result["examples"][:8]:
        print(f"- [{ex['kind']}] {ex['follow_up']}\n    from: {ex['sentence']}")
    if not args.no_write:
        RESULTS.write_text(json.dumps(result, indent=2) + "\n")
        print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
