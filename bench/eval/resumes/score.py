"""Score parsed resumes against the hand labels of the quality set (precision and recall per field).

Used by `bench/resume_parse.py` (figures, JSON) and `tests/unit/test_resume_quality.py`
(thresholds). Matching rules, per field, chosen to forgive formatting and never content:

- roles: title AND employer match (any listed alternative); dates are scored apart
  (`role_dates`: start and end both exactly right, over the roles that matched);
- skills: equal after lower-casing and folding a known alias to its canonical name
  ("Postgres" = "PostgreSQL"); `skills_also_ok` predictions count neither way;
- achievements, projects, certifications, publications: word-level F1 >= 0.7 (years dropped),
  one prediction per label;
- links: equal without scheme, "www." and a trailing slash.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
LIST_FIELDS = ("skills", "projects", "certifications", "publications", "links", "achievements")
FIELDS = ("name", "email", "roles", "role_dates", *LIST_FIELDS)


@dataclass
class Counts:
    tp: int = 0
    predicted: int = 0
    truth: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.predicted += other.predicted
        self.truth += other.truth

    @property
    def precision(self) -> float:
        return self.tp / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.tp / self.truth if self.truth else 1.0


@dataclass
class FileScore:
    file: str
    counts: dict[str, Counts] = field(default_factory=dict)
    missed: dict[str, list[str]] = field(default_factory=dict)
    wrong: dict[str, list[str]] = field(default_factory=dict)


HOLDOUT = HERE.parent / "resumes_holdout"


def load_labels(directory: Path = HERE) -> list[dict[str, Any]]:
    """Labels of one set; each carries `path`, the resume file next to it."""
    out = []
    for path in sorted(directory.glob("[rh][0-9]*.yaml")):
        label = yaml.safe_load(path.read_text(encoding="utf-8"))
        label["path"] = directory / label["file"]
        out.append(label)
    return out


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"^[\W_]+", "", text)
    return " ".join(text.split()).strip(" .,;:")


def _words(text: str) -> list[str]:
    return [
        w
        for w in re.findall(r"\w+", unicodedata.normalize("NFKC", text).lower())
        if not re.fullmatch(r"(19|20)\d\d", w)
    ]


def _f1(a: str, b: str) -> float:
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return 0.0
    pool = list(wb)
    common = 0
    for w in wa:
        if w in pool:
            pool.remove(w)
            common += 1
    if not common:
        return 0.0
    p, r = common / len(wa), common / len(wb)
    return 2 * p * r / (p + r)


def _alts(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _link_key(url: str) -> str:
    url = url.strip().lower()
    url = re.sub(r"^https?://", "", url)
    url = re.sub(r"^www\.", "", url)
    return url.rstrip("/.,;)")


def _same_text(a: str, b: str) -> bool:
    return _norm(a) == _norm(b) or _f1(a, b) >= 0.8


def _match_greedy(
    predicted: list[str], truth: list[Any], same: Callable[[str, str], bool], also_ok: Iterable[Any] = ()
) -> tuple[Counts, list[str], list[str]]:
    """One-to-one matching; returns counts, the missed labels and the wrong predictions."""
    free = list(range(len(truth)))
    tp = 0
    wrong: list[str] = []
    ok_alts = [_alts(v) for v in also_ok]
    for pred in predicted:
        hit = next((i for i in free if any(same(pred, alt) for alt in _alts(truth[i]))), None)
        if hit is not None:
            free.remove(hit)
            tp += 1
        elif any(same(pred, alt) for alts in ok_alts for alt in alts) or any(
            any(same(pred, alt) for alt in _alts(t)) for t in truth
        ):
            # Acceptable but not required, or a duplicate of a label already matched: neutral.
            continue
        else:
            wrong.append(pred)
    counts = Counts(tp=tp, predicted=tp + len(wrong), truth=len(truth))
    return counts, [_alts(truth[i])[0] for i in free], wrong


def score_file(label: dict[str, Any], parsed: Any, canonical: Callable[[str], str]) -> FileScore:
    """``parsed`` is a ParsedResume (or anything with the same attributes)."""
    out = FileScore(file=label["file"])

    for name in ("name", "email"):
        got, want = getattr(parsed, name, None), label.get(name)
        hit = bool(got and want and _norm(got) == _norm(want))
        out.counts[name] = Counts(tp=int(hit), predicted=int(bool(got)), truth=int(bool(want)))
        out.missed[name] = [] if hit or not want else [str(want)]
        out.wrong[name] = [] if hit or not got else [str(got)]

    # roles
    pred_roles = [(r.title or "", r.employer or "", r.start, r.end) for r in parsed.roles]
    free = list(range(len(label["roles"])))
    role_counts = Counts(predicted=len(pred_roles), truth=len(label["roles"]))
    date_counts = Counts()
    wrong_roles: list[str] = []
    wrong_dates: list[str] = []
    for title, employer, start, end in pred_roles:
        hit = next(
            (
                i
                for i in free
                if any(_same_text(title, t) for t in _alts(label["roles"][i]["title"]))
                and any(_same_text(employer, e) for e in _alts(label["roles"][i]["employer"]))
            ),
            None,
        )
        if hit is None:
            wrong_roles.append(f"{title} @ {employer}")
            continue
        free.remove(hit)
        role_counts.tp += 1
        truth = label["roles"][hit]
        date_counts.predicted += 1
        date_counts.truth += 1
        if (start, end) == (str(truth["start"]), str(truth["end"])):
            date_counts.tp += 1
        else:
            wrong_dates.append(f"{title}: {start}..{end} (want {truth['start']}..{truth['end']})")
    out.counts["roles"], out.counts["role_dates"] = role_counts, date_counts
    out.missed["roles"] = [
        f"{_alts(label['roles'][i]['title'])[0]} @ {_alts(label['roles'][i]['employer'])[0]}" for i in free
    ]
    out.wrong["roles"], out.wrong["role_dates"] = wrong_roles, wrong_dates

    def skill_same(a: str, b: str) -> bool:
        return _norm(canonical(a)) == _norm(canonical(b)) or _norm(a) == _norm(b)

    def fuzzy(a: str, b: str) -> bool:
        return _norm(a) == _norm(b) or _f1(a, b) >= 0.7

    def link_same(a: str, b: str) -> bool:
        return _link_key(a) == _link_key(b)

    for name in LIST_FIELDS:
        predicted_raw = getattr(parsed, name, None) or []
        predicted = [
            p.text if hasattr(p, "text") else (p.name if hasattr(p, "name") else str(p)) for p in predicted_raw
        ]
        same = skill_same if name == "skills" else link_same if name == "links" else fuzzy
        counts, missed, wrong = _match_greedy(
            predicted, label.get(name) or [], same, label.get(f"{name}_also_ok") or []
        )
        out.counts[name], out.missed[name], out.wrong[name] = counts, missed, wrong
    return out


def totals(scores: list[FileScore]) -> dict[str, Counts]:
    total = {name: Counts() for name in FIELDS}
    for score in scores:
        for name, counts in score.counts.items():
            total[name].add(counts)
    return total


def summary(scores: list[FileScore]) -> dict[str, dict[str, float | int]]:
    return {
        name: {
            "precision": round(c.precision, 3),
            "recall": round(c.recall, 3),
            "true_positives": c.tp,
            "predicted": c.predicted,
            "truth": c.truth,
        }
        for name, c in totals(scores).items()
    }
