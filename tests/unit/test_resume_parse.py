"""Resume parsing and resume-driven questions, on the real spaCy model and real files.

The 20-resume set comes from ``tests/fixtures/resume_gen.py``: varied layouts, section names,
date formats and formats (TXT/DOCX/PDF), each with the truth it was generated from.
"""

from __future__ import annotations

import io
import sys
from datetime import date
from pathlib import Path

import docx
import pytest

from talentsync.resume import (
    ParsedResume,
    extract_text,
    generate_resume_questions,
    load_nlp,
    parse_resume,
    sniff_resume_type,
)
from talentsync.resume.extract import normalise_text

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
import resume_gen

AS_OF = date(2025, 1, 1)

SAMPLE = """JANE DOE
jane.doe@example.com | +1 (415) 555-0134 | linkedin.com/in/janedoe | https://github.com/janedoe

SUMMARY
Backend engineer with 8 years of experience building high-throughput APIs.

WORK EXPERIENCE
Senior Software Engineer — Acme Corp
Mar 2019 – Present | Berlin, Germany
• Cut p95 API latency by 30% by introducing Redis caching across 12 services.
• Led a team of 5 engineers migrating the monolith to k8s.
• Built FastAPI services handling $2M in daily transactions.

Globex Inc, San Francisco, CA
Software Engineer\t06/2016 - 02/2019
- Reduced AWS costs by 40% using spot instances and Terraform.
- Wrote PostgreSQL migrations for the billing database.

EDUCATION
B.Sc. Computer Science, University of Toronto, 2012 - 2016

PROJECTS
Rate Limiter — an open-source token-bucket rate limiter in Go
- Handles 50k requests per second with p99 under 2 ms.

SKILLS
Languages: Python, Go, SQL
Tools: Docker, Postgres, Kafka, Pulsar

CERTIFICATIONS
AWS Certified Solutions Architect – Associate (2021)
"""


@pytest.fixture(scope="module")
def sample() -> ParsedResume:
    return parse_resume(normalise_text(SAMPLE), as_of=AS_OF)


@pytest.fixture(scope="module")
def generated() -> list[tuple[resume_gen.GeneratedResume, ParsedResume]]:
    out = []
    for item in resume_gen.generate_resumes(20):
        kind = sniff_resume_type(item.data[:8192], item.filename)
        assert kind == item.kind
        out.append((item, parse_resume(extract_text(item.data, kind), as_of=resume_gen.AS_OF)))
    return out


def test_spacy_model_is_the_shipped_one_and_loaded_once() -> None:
    nlp = load_nlp()
    assert nlp is load_nlp()
    assert "ner" in nlp.pipe_names
    assert nlp.meta["version"].startswith("3.8")


def test_contacts_and_sections(sample: ParsedResume) -> None:
    assert sample.name == "Jane Doe"
    assert sample.email == "jane.doe@example.com"
    assert sample.phone == "+1 (415) 555-0134"
    assert sample.links == ["linkedin.com/in/janedoe", "https://github.com/janedoe"]
    assert sample.summary and "8 years" in sample.summary
    assert {"header", "summary", "experience", "education", "projects", "skills", "certifications"} <= set(
        sample.sections
    )
    assert "Rate Limiter" in sample.sections["projects"]


def test_roles_with_employers_dates_and_locations(sample: ParsedResume) -> None:
    assert [(r.title, r.employer, r.start, r.end) for r in sample.roles] == [
        ("Senior Software Engineer", "Acme Corp", "2019-03", "present"),
        ("Software Engineer", "Globex Inc", "2016-06", "2019-02"),
    ]
    assert sample.roles[0].location == "Berlin, Germany"
    assert sample.roles[1].location == "San Francisco, CA"
    assert len(sample.roles[0].bullets) == 3
    assert sample.roles[1].bullets[0].startswith("Reduced AWS costs")


def test_years_of_experience_counts_months_once(sample: ParsedResume) -> None:
    # 2016-06..2019-02 (32 months) + 2019-03..2025-01 (70 months) = 8.5 years
    assert sample.years_experience == 8.5
    overlapping = parse_resume(
        "EXPERIENCE\nEngineer — Acme Corp\n2018 - 2022\n- Built things.\n"
        "Consultant — Globex Inc\n2020 - 2021\n- Advised.\n",
        as_of=AS_OF,
    )
    assert overlapping.years_experience == 4.0


def test_skills_come_from_the_vocabulary_not_ner(sample: ParsedResume) -> None:
    # Canonical names for aliases (k8s, Postgres, Kafka); the unknown "Pulsar" is kept because
    # it is listed in the skills section.
    for skill in (
        "Python",
        "Go",
        "SQL",
        "Docker",
        "PostgreSQL",
        "Apache Kafka",
        "Pulsar",
        "Kubernetes",
        "Redis",
    ):
        assert skill in sample.skills
    assert sample.skills[:3] == ["Python", "Go", "SQL"]  # the section's own order first
    assert "Python" not in sample.places and "Pulsar" not in sample.places
    assert "Python" not in sample.organisations


def test_organisations_places_education_projects_certifications(sample: ParsedResume) -> None:
    assert sample.organisations[:3] == ["Acme Corp", "Globex Inc", "University of Toronto"]
    assert "Berlin, Germany" in sample.places
    edu = sample.education[0]
    assert (edu.institution, edu.degree, edu.start, edu.end) == (
        "University of Toronto",
        "B.Sc. Computer Science",
        "2012",
        "2016",
    )
    assert sample.projects[0].name == "Rate Limiter"
    assert "Go" in sample.projects[0].technologies
    assert sample.certifications == ["AWS Certified Solutions Architect – Associate"]  # the year is not the name


def test_quantified_achievements_carry_numbers_and_employer(sample: ParsedResume) -> None:
    by_text = {a.text: a for a in sample.achievements}
    latency = by_text["Cut p95 API latency by 30% by introducing Redis caching across 12 services."]
    assert latency.employer == "Acme Corp"
    assert latency.numbers == ["30%", "12 services"]  # "p95" is not a quantity
    assert by_text["Reduced AWS costs by 40% using spot instances and Terraform."].numbers == ["40%"]
    assert by_text["Handles 50k requests per second with p99 under 2 ms."].employer is None
    # A bullet without a quantity is not an achievement.
    assert not any(a.text.startswith("Wrote PostgreSQL") for a in sample.achievements)


def test_parse_is_deterministic() -> None:
    text = normalise_text(SAMPLE)
    assert parse_resume(text, as_of=AS_OF) == parse_resume(text, as_of=AS_OF)


def test_docx_list_bullets_and_layout_tables_are_read_in_order() -> None:
    document = docx.Document()
    document.add_paragraph("Ines Novak")
    document.add_heading("Experience", level=2)
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Data Engineer — Lumen Analytics"
    table.cell(0, 1).text = "Jan 2020 – Present"
    document.add_paragraph("Cut warehouse costs by 25% with dbt and Snowflake.", style="List Bullet")
    document.add_heading("Skills", level=2)
    document.add_paragraph("Python, SQL, Airflow")
    buffer = io.BytesIO()
    document.save(buffer)
    text = extract_text(buffer.getvalue(), "docx")
    assert "Data Engineer — Lumen Analytics | Jan 2020 – Present\n• Cut warehouse costs" in text
    parsed = parse_resume(text, as_of=AS_OF)
    assert [(r.title, r.employer, r.start, r.end) for r in parsed.roles] == [
        ("Data Engineer", "Lumen Analytics", "2020-01", "present")
    ]
    assert parsed.achievements[0].numbers == ["25%"]
    assert {"dbt", "Snowflake", "Python", "SQL", "Apache Airflow"} <= set(parsed.skills)


def _pr(pred: list[str], truth: list[str], acc: list[int]) -> None:
    p, t = {x.lower() for x in pred}, {x.lower() for x in truth}
    acc[0] += len(p & t)
    acc[1] += len(p)
    acc[2] += len(t)


def test_generated_set_precision_recall(
    generated: list[tuple[resume_gen.GeneratedResume, ParsedResume]],
) -> None:
    counts = {"employers": [0, 0, 0], "titles": [0, 0, 0], "skills": [0, 0, 0]}
    years_ok = names_ok = 0
    for truth, parsed in generated:
        _pr([r.employer for r in parsed.roles], truth.employers, counts["employers"])
        _pr([r.title for r in parsed.roles], truth.titles, counts["titles"])
        _pr(parsed.skills, truth.skills, counts["skills"])
        years_ok += parsed.years_experience is not None and abs(parsed.years_experience - truth.years_experience) <= 0.5
        names_ok += parsed.name == truth.name and parsed.email == truth.email
    for field, (tp, n_pred, n_truth) in counts.items():
        precision, recall = tp / max(n_pred, 1), tp / max(n_truth, 1)
        assert precision >= 0.9 and recall >= 0.9, (field, precision, recall)
    assert years_ok >= 18 and names_ok >= 18
    assert {t.kind for t, _ in generated} == {"pdf", "docx", "txt"}
    assert len({t.layout for t, _ in generated}) >= 5


# ---------------------------------------------------------------------------- questions


def test_questions_are_grounded_scored_and_deterministic(sample: ParsedResume) -> None:
    questions = generate_resume_questions(sample, max_questions=3)
    assert len(questions) == 3
    first = questions[0]
    # Quantified achievements first, strongest (%, $) first, most recent role first.
    assert first.kind == "achievement"
    assert first.source == "Cut p95 API latency by 30% by introducing Redis caching across 12 services"
    assert "Acme Corp" in first.text and "30%" in first.text
    assert any("introducing Redis caching" in kp for kp in first.key_points)
    assert "30%" in first.keywords and "Redis" in first.keywords
    # One slot is kept for another part of the resume.
    assert {q.kind for q in questions} != {"achievement"}
    for q in questions:
        assert 3 <= len(q.key_points) <= 5
        assert q.slug.startswith("resume-") and q.ideal_answer and q.keywords
        assert q.source.split(" — ")[0] in SAMPLE or q.source in SAMPLE
    assert len({q.slug for q in questions}) == 3
    # Varied templates: no two questions share their closing sentence.
    assert len({q.text.split(". ")[-1] for q in questions}) == 3
    assert generate_resume_questions(sample, max_questions=3) == questions
    again = generate_resume_questions(parse_resume(normalise_text(SAMPLE), as_of=AS_OF), max_questions=3)
    assert [q.slug for q in again] == [q.slug for q in questions]


def test_questions_fall_back_to_projects_and_role_tech() -> None:
    parsed = parse_resume(
        "EXPERIENCE\nBackend Developer — Initech\n2021 - Present\n- Maintained Django and Celery services.\n"
        "PROJECTS\nLog Shipper — ships logs to Elasticsearch\n- Written in Rust with tokio.\n",
        as_of=AS_OF,
    )
    assert parsed.achievements == []
    questions = generate_resume_questions(parsed, max_questions=3)
    # Listed skills fill the slot nothing else could.
    assert [q.kind for q in questions] == ["project", "role_tech", "skill"]
    assert "Log Shipper" in questions[0].text
    assert "Initech" in questions[1].text and "Django" in questions[1].text
    assert generate_resume_questions(ParsedResume(), max_questions=3) == []
    assert generate_resume_questions(parsed, max_questions=0) == []


def test_generated_resumes_all_yield_questions(
    generated: list[tuple[resume_gen.GeneratedResume, ParsedResume]],
) -> None:
    for truth, parsed in generated:
        questions = generate_resume_questions(parsed, max_questions=3)
        assert len(questions) == 3, truth.filename
        employers = set(truth.employers)
        achievement_qs = [q for q in questions if q.kind == "achievement"]
        assert achievement_qs and all(any(e in q.text for e in employers) for q in achievement_qs)
