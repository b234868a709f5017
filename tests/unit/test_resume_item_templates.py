"""Each resume item type gets a question that fits it (talentsync/resume/typed_items.py): an award
is asked what it was for, a certification what preparing for it taught, a paper what it set out to
answer, a practice skill how it was used; never "What did you personally do to make that happen"
of an award, nor "What have you built with Roadmapping". Decorated and broken items give nothing.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest

from talentsync.resume import extract_text, generate_resume_questions, parse_resume, sniff_resume_type
from talentsync.resume.models import Achievement, ParsedResume, ResumeQuestion, Role
from talentsync.resume.typed_items import achievement_kind

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench" / "eval" / "resumes"))
import score

AS_OF = date(2026, 1, 1)
# Phrases that only fit a result of the candidate's own work, or a technology.
WORK_RESULT = "personally do to make that happen"
TECH_ONLY = ("built with", "production problem you debugged")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Winner, 2022 Lagos fintech hackathon (1st of 40 teams).", "award"),
        ("Royal Academy of Engineering Research Fellowship (2023–2028), £600k.", "award"),
        ("Kaggle: H&M Personalized Fashion Recommendations — silver medal (top 2%)", "award"),
        ("Best paper award at ICML 2021 for work on calibration.", "award"),
        ("Passed the AWS Solutions Architect Professional exam in 2022 with 92%.", "certification"),
        ("Published 3 papers on demand forecasting in the IJF journal.", "publication"),
        ("Presented at KubeCon 2023 to an audience of 800.", "publication"),
        # Results of work, whatever words they share with the kinds above.
        ("Won 3 enterprise customers worth $2M in annual revenue.", "achievement"),
        ("Certified 12 engineers as on-call incident leads in 2023.", "achievement"),
        ("Built the secrets-scanning pipeline that found and rotated 2,300 leaked credentials.", "achievement"),
        ("Reduced paper forms by 40% with a mobile intake app.", "achievement"),
        ("Cut monthly Google Cloud bill by 38% by moving batch jobs to spot VMs.", "achievement"),
    ],
)
def test_achievement_lines_are_sorted_by_what_they_are(text: str, kind: str) -> None:
    assert achievement_kind(text) == kind


def _by_source(questions: list[ResumeQuestion]) -> dict[str, ResumeQuestion]:
    return {q.source: q for q in questions}


def test_each_item_type_gets_a_template_that_fits_it() -> None:
    parsed = ParsedResume(
        skills=["Roadmapping", "Hemodynamic monitoring", "Terraform"],
        roles=[Role(title="Staff Engineer", employer="Example Payments", start="2020-01", end="present")],
        certifications=["Certified Kubernetes Administrator (CKA)", "Registered Nurse, Commonwealth of Massachusetts"],
        publications=["Calibrated uncertainty under covariate shift without target labels"],
        achievements=[
            Achievement(text="Winner, 2022 Lagos fintech hackathon (1st of 40 teams).", numbers=["1st", "40 teams"]),
            Achievement(
                text="Cut monthly Google Cloud bill by 38% by moving batch jobs to spot VMs.",
                employer="Example Payments",
                numbers=["38%"],
            ),
        ],
    )
    questions = _by_source(generate_resume_questions(parsed, max_questions=20))

    award = questions["Winner, 2022 Lagos fintech hackathon (1st of 40 teams)"]
    assert award.kind == "award" and WORK_RESULT not in award.text
    assert award.text.startswith("Your resume says: “Winner, 2022 Lagos fintech hackathon")
    cka = questions["Certified Kubernetes Administrator (CKA)"]
    assert cka.kind == "certification" and cka.text.startswith("Your resume lists Certified Kubernetes Administrator")
    assert questions["Registered Nurse, Commonwealth of Massachusetts"].kind == "certification"
    paper = questions["Calibrated uncertainty under covariate shift without target labels"]
    assert paper.kind == "publication" and "“Calibrated uncertainty" in paper.text
    for practice in ("Roadmapping", "Hemodynamic monitoring"):
        q = questions[practice]
        assert q.kind == "skill" and not any(p in q.text for p in TECH_ONLY), q.text
    # A technology keeps the technology templates; a result of work keeps the achievement ones.
    assert questions["Terraform"].kind == "skill"
    assert questions["Cut monthly Google Cloud bill by 38% by moving batch jobs to spot VMs"].kind == "achievement"
    assert questions["Staff Engineer — Example Payments"].kind == "role"
    for q in questions.values():
        assert (
            3 <= len(q.key_points) <= 5 and q.ideal_answer and q.slug.startswith(f"resume-{q.kind.replace('_', '-')}-")
        )


def test_each_variant_of_each_type_reads_as_a_question() -> None:
    # All three variants are reachable (several items of one type take distinct variants).
    parsed = ParsedResume(
        certifications=["CISSP", "Certified Kubernetes Application Developer (CKAD)", "ISTQB Certified Tester"],
        publications=[
            "Offline evaluation you can trust",
            "Paved roads, not golden cages",
            "Guardrail metrics at scale",
        ],
    )
    questions = generate_resume_questions(parsed, max_questions=6)
    assert len(questions) == 6
    assert len({q.text.split(".”")[-1].split(".")[-1] for q in questions}) == 6, "no two use the same variant text"
    for q in questions:
        assert q.text.rstrip().endswith(("?", ".")) and WORK_RESULT not in q.text


JUNK_CERTS = ["==========", "(AWS", "and BLS, renewed", "***", "Solutions Architect)"]
JUNK_PAPERS = ["-----", "and noisy thresholds", "Pub/Sub)"]


def test_decorated_and_broken_items_never_reach_a_question() -> None:
    parsed = ParsedResume(
        certifications=[*JUNK_CERTS, "CISSP"],
        publications=[*JUNK_PAPERS, "Offline evaluation you can trust"],
        achievements=[
            Achievement(text="=== Winner, 2022 hackathon ===", numbers=["2022"]),
            Achievement(text="and won a silver medal (top 2%", numbers=["2%"]),
            Achievement(text="award (1st of 40 teams)", numbers=["1st"]),
        ],
        skills=["------", "Roadmapping"],
    )
    questions = generate_resume_questions(parsed, max_questions=20)
    assert {q.source for q in questions} == {"CISSP", "Offline evaluation you can trust", "Roadmapping"}
    for q in questions:
        for junk in [*JUNK_CERTS, *JUNK_PAPERS, "===", "silver medal", "1st of 40"]:
            assert junk not in q.text, (junk, q.text)


def test_a_certification_an_achievement_already_quotes_is_not_asked_twice() -> None:
    parsed = ParsedResume(
        certifications=["CKA"],
        achievements=[Achievement(text="Passed the CKA exam with 94% after 6 weeks of study.", numbers=["94%"])],
    )
    questions = generate_resume_questions(parsed, max_questions=5)
    assert [q.kind for q in questions] == ["certification"]
    assert "Passed the CKA exam" in questions[0].text


@pytest.fixture(scope="module")
def quality_set() -> list[tuple[str, ParsedResume]]:
    out = []
    for label in score.load_labels():
        data = label["path"].read_bytes()
        text = extract_text(data, sniff_resume_type(data[:8192], label["path"].name))
        out.append((label["file"], parse_resume(text, as_of=AS_OF)))
    return out


def test_no_mismatched_template_over_the_quality_set(quality_set: list[tuple[str, ParsedResume]]) -> None:
    """Over the 33 labelled resumes (decorated r30, broken wraps r31 among them): awards,
    certifications and papers never get the work-result template, and "built with" is asked only
    of technologies."""
    kinds: set[str] = set()
    for name, parsed in quality_set:
        typed_lines = {
            a.text.strip().rstrip(".") for a in parsed.achievements if achievement_kind(a.text) != "achievement"
        }
        listed = set(parsed.certifications) | set(parsed.publications)
        for q in generate_resume_questions(parsed, max_questions=12):
            kinds.add(q.kind)
            if q.source in typed_lines or q.source in listed:
                assert q.kind in ("award", "certification", "publication"), (name, q.kind, q.text)
            if q.kind != "achievement":
                assert WORK_RESULT not in q.text, (name, q.text)
            if q.kind in ("award", "certification", "publication"):
                assert not any(p in q.text for p in TECH_ONLY), (name, q.text)
    assert {"award", "certification", "publication", "skill", "achievement", "project"} <= kinds
