"""Resume parsing on the hand-labelled quality set, and junk kept out of resume questions.

The quality set (bench/eval/resumes/) was written and labelled by hand before the parser was
fixed on it; see its README. The thresholds are the issue's aim (0.9 precision and recall per
field). `bench/resume_parse.py` prints the same figures per field and per file type.
"""

from __future__ import annotations

import re
import sys
from datetime import date
from pathlib import Path

import pytest

from talentsync.resume import (
    ParsedResume,
    Project,
    Role,
    extract_text,
    generate_resume_questions,
    parse_resume,
    sniff_resume_type,
)
from talentsync.resume.extract import normalise_text
from talentsync.resume.item_checks import name_problem, statement_problem
from talentsync.resume.models import Achievement
from talentsync.skills import ALIAS_TO_CANONICAL

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench" / "eval" / "resumes"))
import score

AS_OF = date(2026, 1, 1)
THRESHOLD = 0.9

# The outside tester's resume, as reported: underlined headings, a wrapped bullet, a bracketed
# skills list, projects and certifications.
TESTER_RESUME = """ALEX MORGAN
alex.morgan@example.org

SUMMARY
=======
Platform engineer who likes quiet pagers.

EXPERIENCE
==========
Staff Engineer, Example Payments
Jan 2021 - Present
- Cut monthly Google Cloud bill by 38% by moving batch jobs to spot VMs.
- Rewrote alerting; pages per week dropped from 45 to 12 after we removed duplicate alerts
  and noisy thresholds; 350 GitHub stars.

SKILLS
======
Google Cloud (GKE, Pub/Sub), Terraform, CI/CD, Go

PROJECTS
========
kube-budget - a kubectl plugin that prints the monthly cost of each namespace; 400k downloads.

CERTIFICATIONS
==============
Certified Kubernetes Administrator (CKA), 2021
"""


def _canonical(skill: str) -> str:
    return ALIAS_TO_CANONICAL.get(skill.strip().lower(), skill)


@pytest.fixture(scope="module")
def quality_set() -> list[tuple[dict, str, ParsedResume]]:
    out = []
    for label in score.load_labels():
        path = label["path"]
        data = path.read_bytes()
        text = extract_text(data, sniff_resume_type(data[:8192], path.name))
        out.append((label, text, parse_resume(text, as_of=AS_OF)))
    return out


def test_quality_set_is_varied(quality_set: list[tuple[dict, str, ParsedResume]]) -> None:
    assert len(quality_set) >= 30
    kinds = {label["file"].rsplit(".", 1)[1] for label, _, _ in quality_set}
    assert kinds == {"txt", "pdf", "docx"}
    two_column = [label for label, _, _ in quality_set if "two-column" in label["layout"]]
    assert len(two_column) >= 5


def test_precision_and_recall_per_field(quality_set: list[tuple[dict, str, ParsedResume]]) -> None:
    scores = [score.score_file(label, parsed, _canonical) for label, _, parsed in quality_set]
    below = {
        name: (round(c.precision, 3), round(c.recall, 3))
        for name, c in score.totals(scores).items()
        if c.precision < THRESHOLD or c.recall < THRESHOLD
    }
    assert not below, below


def test_every_item_keeps_its_source_line(quality_set: list[tuple[dict, str, ParsedResume]]) -> None:
    for label, text, parsed in quality_set:
        lines = text.split("\n")
        items = [*parsed.roles, *parsed.projects, *parsed.achievements]
        sources = [item.source for item in items] + [
            src for by_item in parsed.sources.values() for src in by_item.values()
        ]
        assert sources and all(src is not None for src in sources), label["file"]
        for src in sources:
            assert src is not None
            assert 1 <= src.line <= len(lines), (label["file"], src)

            # The source names its first physical line; the text may continue on wrapped lines.
            # Markdown emphasis is dropped from item text, so compare without it.
            def plain(value: str) -> str:
                return re.sub(r"[\s*_#\[\]()]", "", value)

            item, physical = plain(src.text), plain(lines[src.line - 1])
            assert item[: min(10, len(physical))] in physical, (label["file"], src, lines[src.line - 1])


def test_the_testers_resume_parses_cleanly() -> None:
    parsed = parse_resume(normalise_text(TESTER_RESUME), as_of=AS_OF)
    assert parsed.summary == "Platform engineer who likes quiet pagers."
    assert "Google Cloud (GKE, Pub/Sub)" in parsed.skills
    assert not any(s in parsed.skills for s in ("Google Cloud (GKE", "Pub/Sub)"))
    assert [p.name for p in parsed.projects] == ["kube-budget"]
    assert parsed.certifications == ["Certified Kubernetes Administrator (CKA)"]
    texts = [a.text for a in parsed.achievements]
    assert (
        "Rewrote alerting; pages per week dropped from 45 to 12 after we removed duplicate alerts "
        "and noisy thresholds; 350 GitHub stars." in texts
    )
    assert not any(t.startswith("and ") for t in texts)


@pytest.mark.parametrize(
    ("check", "item"),
    [
        (name_problem, "========"),
        (name_problem, "Google Cloud (GKE"),
        (name_problem, "Pub/Sub)"),
        (name_problem, "***"),
        (name_problem, "and the internal tool"),
        (statement_problem, "and noisy thresholds; 350 GitHub stars."),
        (statement_problem, "======="),
        (statement_problem, "by 70% with multi-stage builds."),
        (statement_problem, "Designed the card-authorisation service in Go that answers Visa within"),
        (statement_problem, "Cut costs"),
    ],
)
def test_item_checks_reject_junk(check, item: str) -> None:
    assert check(item) is not None


@pytest.mark.parametrize(
    ("check", "item"),
    [
        (name_problem, "kube-budget"),
        (name_problem, "Google Cloud (GKE, Pub/Sub)"),
        (name_problem, "N26"),
        (name_problem, "CI/CD"),
        (statement_problem, "Cut monthly Google Cloud bill by 38% by moving batch jobs to spot VMs."),
        (statement_problem, "Testabdeckung von 20 % auf 75 % erhöht."),
    ],
)
def test_item_checks_accept_real_items(check, item: str) -> None:
    assert check(item) is None


JUNK = ["========", "Google Cloud (GKE", "Pub/Sub)", "and noisy thresholds", "-----", "***"]


def test_junk_items_never_reach_a_question() -> None:
    parsed = ParsedResume(
        skills=["Google Cloud (GKE", "Pub/Sub)", "-----", "Terraform"],
        roles=[
            Role(title="========", employer="***", start="2020-01", end="present", bullets=["and noisy thresholds"]),
            Role(
                title="Staff Engineer",
                employer="Example Payments",
                start="2018-01",
                end="2019-12",
                bullets=["Moved 40 services to Terraform."],
            ),
        ],
        projects=[Project(name="========", description="a kubectl plugin"), Project(name="Pub/Sub)")],
        achievements=[
            Achievement(text="and noisy thresholds; 350 GitHub stars.", employer="Example Payments", numbers=["350"]),
            Achievement(text="=======", numbers=["1"]),
            Achievement(text="Moved 40 services to Terraform.", employer="Example Payments", numbers=["40 services"]),
        ],
    )
    questions = generate_resume_questions(parsed, max_questions=20)
    assert questions, "the real items still give questions"
    for q in questions:
        for junk in JUNK:
            assert junk not in q.text, (junk, q.text)
    assert any("moved 40 services to Terraform" in q.text for q in questions)


def _clean_question(text: str) -> str | None:
    """An independent look at a finished question: what a reader would call junk."""
    if re.search(r"([^\w\s])\1{2,}", text):
        return "repeated punctuation"
    depth = 0
    for ch in text:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            return "unbalanced"
    if depth:
        return "unbalanced"
    if " | " in text:
        return "field separator"
    if re.search(r"\b(?:you|of|in|about|says:) [“\"]?(?:and|or|with|to)\b", text):
        return "fragment"
    return None


def test_questions_over_the_quality_set_are_clean(quality_set: list[tuple[dict, str, ParsedResume]]) -> None:
    parsed_tester = parse_resume(normalise_text(TESTER_RESUME), as_of=AS_OF)
    total = 0
    for name, parsed in [("tester", parsed_tester), *((label["file"], p) for label, _, p in quality_set)]:
        for q in generate_resume_questions(parsed, max_questions=12):
            total += 1
            assert _clean_question(q.text) is None, (name, _clean_question(q.text), q.text)
    assert total >= 33 * 3
