"""Interview questions grounded in specific resume items, in natural English.

Each question is built from one item of one type (achievement, project, role, skill) with a
template whose slots take that type's parts: a verb clause turned to the second person ("At Monzo
Bank, you cut the monthly Google Cloud bill by 38% ..."), a measured quantity with its article
("the p99 checkout latency"), a project's name, a title and an employer. An item that fails the
checks in ``item_checks`` (decoration, a fragment, a split list) never reaches a template.

Everything is deterministic: the same parsed resume gives the same questions, slugs and template
choices (a hash of the item, never ``random``), which keeps Temporal activity retries and session
replays stable. Priority: quantified achievements (percentages and money before plain counts,
recent roles first), then projects, then the most recent role, then listed skills. When
candidates of another kind exist, achievements take at most ``max_questions - 1`` slots.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass

from talentsync.resume.item_checks import name_problem, statement_problem
from talentsync.resume.models import Achievement, ParsedResume, Project, ResumeQuestion, Role
from talentsync.resume.question_words import IRREGULAR_PAST as _IRREGULAR_PAST
from talentsync.resume.question_words import PRESENT_VERBS as _PRESENT_VERBS
from talentsync.resume.question_words import STOP_WORDS as _STOP
from talentsync.resume.typed_items import (
    ItemTemplates,
    achievement_kind,
    certification_item,
    practice_skill,
    publication_item,
    typed_achievement,
)
from talentsync.skills import ALIAS_TO_CANONICAL

# Words that make a quantity something one measures ("the p99 checkout latency").
_MEASURABLE_RE = re.compile(
    r"\b(?:latency|time|times|cost|costs|bill|spend|spending|rate|conversion|error|errors|size|revenue|retention|"
    r"throughput|coverage|clicks|tickets|failures|downtime|alerts|pages|usage|churn|p\d\d|load|traffic|"
    r"duration|budget|sales|signups|sign-ups|incidents|defects|crashes|speed|score|accuracy|mape)\b",
    re.IGNORECASE,
)
_METRIC_RE = re.compile(
    r"^\w+\s+(?P<metric>[^,;]+?)\s+(?:by|from)\s+(?:over\s+|about\s+|roughly\s+|~)?[\d$€£₦]", re.IGNORECASE
)
_METHOD_RE = re.compile(
    r"(?:\bby\s+(?P<gerund>[a-z]+ing\b[^.;,]*?)|\b(?:using|via|through|with)\s+(?P<tool>[^.;,]+?))"
    r"(?:[.;,]|\s+(?:across|for|to|in|on)\b|$)"
)
_DETERMINER_RE = re.compile(r"^(?:the|a|an|our|my|their|its|his|her|your|this|that|these|those|\d)\b", re.I)
_FIRST_PERSON = [(r"\bwe\b", "you"), (r"\bour\b", "your"), (r"\bmy\b", "your"), (r"\bI\b", "you"), (r"\bme\b", "you")]
# Collaboration platforms are on resumes but make poor "why did you pick X" questions.
_NOT_TECH_CHOICES = {"GitHub", "GitLab", "Git", "Jira", "Confluence", "Agile", "Scrum", "Kanban"}
# Practices and concepts: fine to discuss, but not "a stack you debugged" or "chose over alternatives".
_CONCEPTS = {"A/B testing", "ETL", "TDD", "DevOps", "SRE", "CI/CD", "REST APIs", "LLMs", "NLP", "Serverless"}
_STRONG_NUMBER_RE = re.compile(r"[%$€£₦x×]|percent|times|million|billion|\d[kKMB]\b")
_WORD_RE = re.compile(r"[^\W\d_][\w+#.-]{2,}")


@dataclass(frozen=True)
class _Candidate:
    kind: str
    source: str
    build: Callable[[int], ResumeQuestion]


def generate_resume_questions(parsed: ParsedResume, max_questions: int = 3) -> list[ResumeQuestion]:
    """Up to ``max_questions`` questions, each tied to one resume item (see module docstring)."""
    if max_questions <= 0:
        return []
    achievements = [c for a in _ranked_achievements(parsed) if (c := _achievement_candidate(a, parsed))]
    projects = [c for p in parsed.projects if (c := _project_candidate(p, parsed))]
    role = _most_recent_role(parsed)
    roles = [c for c in [_role_candidate(role, parsed)] if c] if role is not None else []
    skills = [c for s in parsed.skills if (c := _skill_candidate(s))]
    listed = [certification_item(c) for c in parsed.certifications] + [publication_item(p) for p in parsed.publications]
    credentials = [_typed_candidate(t) for t in listed if t is not None]

    others = projects + roles
    achievement_slots = max_questions - 1 if others and max_questions > 1 else max_questions
    chosen: list[_Candidate] = achievements[:achievement_slots]
    for candidate in others + achievements[achievement_slots:] + credentials + skills:
        if len(chosen) >= max_questions:
            break
        if candidate.source not in {c.source for c in chosen} and not _overlaps(candidate, chosen):
            chosen.append(candidate)

    questions: list[ResumeQuestion] = []
    used_templates: dict[str, set[int]] = {}
    for candidate in chosen:
        seed = int(_digest(candidate.kind, candidate.source)[:8], 16)
        used = used_templates.setdefault(candidate.kind, set())
        variant = seed
        while variant % 3 in used and len(used) < 3:
            variant += 1
        used.add(variant % 3)
        questions.append(candidate.build(variant % 3))
    return questions


def _overlaps(candidate: _Candidate, chosen: list[_Candidate]) -> bool:
    """A project whose own line is already asked about as an achievement (and vice versa)."""
    name = candidate.source.split(" — ")[0].lower() if candidate.kind == "project" else None
    for other in chosen:
        # A listed certification or paper that an achievement line already quotes.
        if candidate.kind in ("certification", "publication") and candidate.source.lower() in other.source.lower():
            return True
        if name and other.kind == "achievement" and other.source.lower().startswith(name):
            return True
        if (
            candidate.kind == "achievement"
            and other.kind == "project"
            and candidate.source.lower().startswith(other.source.split(" — ")[0].lower())
        ):
            return True
    return False


# ---------------------------------------------------------------------------- achievements


def _ranked_achievements(parsed: ParsedResume) -> list[Achievement]:
    def strength(a: Achievement) -> int:
        return 0 if any(_STRONG_NUMBER_RE.search(n) for n in a.numbers) else 1

    indexed = [(i, a) for i, a in enumerate(parsed.achievements) if statement_problem(a.text) is None]
    indexed.sort(key=lambda pair: (strength(pair[1]), pair[0]))
    return [a for _, a in indexed]


def _clause(text: str) -> str | None:
    """'Cut latency by 30%' -> 'cut latency by 30%'; None when the text does not open with a verb."""
    first, _, rest = text.partition(" ")
    word = first.lower()
    is_verb = word in _IRREGULAR_PAST or word in _PRESENT_VERBS or (word.endswith("ed") and len(word) > 4)
    if not is_verb or not rest:
        return None
    clause = f"{word} {rest}".strip()
    for pattern, replacement in _FIRST_PERSON:
        clause = re.sub(pattern, replacement, clause)
    return clause


def _with_article(phrase: str) -> str:
    phrase = phrase.strip()
    if _DETERMINER_RE.match(phrase):
        return phrase
    return f"the {phrase}"


def _achievement_candidate(item: Achievement, parsed: ParsedResume) -> _Candidate | None:
    # Awards, certifications and papers get templates that fit them (typed_items.py).
    if (kind := achievement_kind(item.text)) != "achievement":
        typed = typed_achievement(kind, item.text, item.numbers)
        return _typed_candidate(typed) if typed is not None else None
    text = item.text.strip().rstrip(".")
    employer = item.employer if item.employer and name_problem(item.employer) is None else None
    # A verb clause reads as "you <did X>" only for a job's bullet; a project's line ("Used at four
    # companies") describes the project, so it is quoted instead.
    clause = _clause(text) if employer else None
    if clause is not None and len(clause.split()) > 32:
        clause = None
    metric_match = _METRIC_RE.search(text)
    metric = metric_match.group("metric").strip() if metric_match else None
    if metric and not _MEASURABLE_RE.search(metric):
        metric = None
    method_match = _METHOD_RE.search(text)
    method = (method_match.group("gerund") or method_match.group("tool")).strip() if method_match else None
    skills = _skills_in(text, parsed.skills)
    if clause and metric:
        # Resume style drops articles ("Cut monthly bill by 38%"); spoken English keeps them.
        verb, _, rest = clause.partition(" ")
        if rest.startswith(metric):
            clause = f"{verb} {_with_article(metric)}{rest[len(metric) :]}"
    opening = f"At {_org(employer)}, you {clause}." if clause and employer else f"Your resume says: “{text}.”"

    def build(variant: int) -> ResumeQuestion:
        texts = [
            f"{opening} How did you measure {_with_article(metric)} before and after the change, and how did you "
            "check that the improvement held up?"
            if metric
            else f"{opening} How did you know it worked: what did you measure, and what was the starting point?",
            f"{opening} What did you personally do to make that happen, and what did the rest of the team do?",
            f"{opening} Which other approaches did you consider, and what trade-offs came with the one you chose?",
        ]
        where = f" at {_org(employer)}" if employer else ""
        key_points = [
            f"Gives the baseline for {_with_article(metric)} and how it was measured"
            if metric
            else "Gives the starting point and how the result was measured",
            f"Explains the specific change they made ({method})"
            if method
            else "Explains the specific change they made and why it worked",
            f"Quantifies the outcome ({', '.join(item.numbers[:3])}) and how it was verified",
            f"Separates their own contribution from the team's{where}",
            "Names a trade-off, risk or lesson learned",
        ]
        ideal = (
            f"{'At ' + _org(employer) + ', ' if employer else ''}the goal was a result we could measure"
            f"{' (' + _with_article(metric) + ')' if metric else ''}. Before changing anything I measured the "
            f"baseline with the same tooling we would use afterwards, so the comparison was fair. "
            f"{'The key change was ' + method + '. ' if method else ''}"
            f"I rolled it out gradually, compared against the baseline and confirmed the result "
            f"({', '.join(item.numbers[:2])}) held over time. My part was the design and the measurement; the "
            "team helped with review and rollout. The trade-off was added complexity, and next time I would set "
            "up the measurement even earlier."
        )
        keywords = _keywords(item.numbers + skills + ([metric] if metric else []) + ([method] if method else []))
        return _question("achievement", text, texts[variant], ideal, key_points, keywords)

    return _Candidate("achievement", text, build)


# ---------------------------------------------------------------------------- projects


def _project_candidate(project: Project, parsed: ParsedResume) -> _Candidate | None:
    if name_problem(project.name) is not None:
        return None
    detail = (project.bullets[0] if project.bullets else project.description).rstrip(".")
    if detail and statement_problem(detail) is not None:
        detail = ""
    source = project.name + (f" — {project.description}" if project.description else "")
    tech = [
        t
        for t in project.technologies or _skills_in(detail, parsed.skills)
        if t not in _NOT_TECH_CHOICES and name_problem(t) is None
    ][:3]
    tech_phrase = _join([_short(t) for t in tech])
    name = project.name

    def build(variant: int) -> ResumeQuestion:
        texts = [
            f"Tell me about {name}: what problem does it solve, and why did you build it with {tech_phrase}?"
            if tech
            else f"Tell me about {name}: what problem does it solve, and who uses it?",
            f"Walk me through the architecture of {name}: the main components, how data flows between them, and "
            "how you tested it.",
            f"What was the hardest technical decision you made in {name}, and what would you do differently now?",
        ]
        key_points = [
            f"States the problem {name} solves and who it is for",
            "Describes the main components and how they fit together",
            f"Justifies the choice of {tech_phrase} over alternatives" if tech else "Justifies the main design choice",
            "Explains how it was tested or validated",
            "Names a limitation or a next step",
        ]
        ideal = (
            f"{name} started from a concrete problem{': ' + detail if detail else ''}. "
            f"I built it with {tech_phrase or 'a small, familiar stack'} because it fit the constraints I had. "
            "The main components are an input layer, the core logic and storage, with clear interfaces between "
            "them. I tested it with unit tests and a realistic load or data set, and the biggest limitation today "
            "is what I would tackle next."
        )
        keywords = _keywords([name, *tech, *_numbers(detail)])
        return _question("project", source, texts[variant], ideal, key_points, keywords)

    return _Candidate("project", source, build)


# ---------------------------------------------------------------------------- roles and skills


def _most_recent_role(parsed: ParsedResume) -> Role | None:
    usable = [r for r in parsed.roles if r.title and name_problem(r.title, max_words=10) is None]
    dated = [r for r in usable if r.start]
    if not dated:
        return usable[0] if usable else None
    # "present" sorts after any year; among equal ends the later start wins.
    return max(dated, key=lambda r: ("9999" if r.end == "present" else (r.end or r.start or ""), r.start or ""))


def _role_candidate(role: Role, parsed: ParsedResume) -> _Candidate | None:
    employer = role.employer if role.employer and name_problem(role.employer) is None else None
    # Only vocabulary technologies make "the stack you worked with" questions; "Hemodynamic monitoring"
    # or "Roadmapping" are skills, not a stack, and get the role questions without a stack.
    tech = [
        t
        for t in _skills_in(" ".join(role.bullets), parsed.skills)
        if t not in _NOT_TECH_CHOICES
        and t not in _CONCEPTS
        and t[:1].isupper()
        and name_problem(t) is None
        and _short(t).lower() in ALIAS_TO_CANONICAL
    ][:3]
    title = role.title.split(",")[0].strip()  # "Senior Product Manager, Payments" reads as "Senior Product Manager"
    employer = _org(employer) if employer else None
    at = f" at {employer}" if employer else ""
    source = f"{title} — {employer or ''}" + (f": {role.bullets[0]}" if role.bullets else "")
    kind = "role_tech" if tech else "role"
    tech_phrase = _join([_short(t) for t in tech])
    first = _short(tech[0]) if tech else ""

    def build(variant: int) -> ResumeQuestion:
        if tech:
            texts = [
                f"In your role as {title}{at}, you worked with {tech_phrase}. Describe a production problem you "
                "debugged in that stack, step by step.",
                f"{'At ' + employer if employer else 'In your most recent job'}, how did {first} fit into the "
                "system you worked on, and where did it reach its limits?",
                f"In your role as {title}{at}, how did you choose {first} over the alternatives, and how did you "
                "run it in production?",
            ]
        else:
            texts = [
                f"In your role as {title}{at}, what were you responsible for, and what is one decision you made "
                "there that you would still defend today?",
                f"What did a typical week look like in your role as {title}{at}, and what did you change about it?",
                f"In your role as {title}{at}, what was the hardest problem you owned, and how did you solve it?",
            ]
        key_points = [
            f"Describes the work{at} and their responsibility in it as {title}",
            f"Shows hands-on depth with {first} (configuration, failure modes, performance)"
            if tech
            else "Gives a concrete example rather than a job description",
            "Walks through a concrete problem: symptoms, diagnosis, fix",
            "Mentions monitoring, testing or rollback that kept things safe",
            "Names an alternative and why it was or was not chosen",
        ]
        ideal = (
            f"{'At ' + employer if employer else 'In that job'} I worked as {title}"
            f"{' on a system built with ' + tech_phrase if tech else ''}. I owned a clear part of it and its "
            "behaviour in production. One incident: latency rose after a deploy, I checked dashboards and logs, "
            "reproduced it, found the cause, shipped a fix behind a flag and added a test and an alert so it "
            "would not recur. We had compared the alternatives and chose what fit our team and workload."
        )
        keywords = _keywords([employer or "", *tech])
        return _question(kind, source, texts[variant], ideal, key_points, keywords)

    return _Candidate(kind, source, build)


def _skill_candidate(skill: str) -> _Candidate | None:
    if skill in _NOT_TECH_CHOICES or name_problem(skill, max_words=6) is not None:
        return None
    short = _short(skill)
    # "What have you built with Roadmapping?" does not parse: a practice gets questions about practice.
    parts = [re.sub(r"\d+$", "", part).lower() for part in re.split(r"\s*[/&]\s*", short)]  # "Docker / K8s", "C++14"
    if skill in _CONCEPTS or not any(part in ALIAS_TO_CANONICAL for part in [short.lower(), *parts]):
        return _typed_candidate(practice_skill(skill))

    def build(variant: int) -> ResumeQuestion:
        texts = [
            f"Your resume lists {skill}. What is the most demanding thing you have built with {short}, and what "
            "limitation did you run into?",
            f"How would you explain to a new teammate when {short} is the right choice, and when it is not?",
            f"Tell me about a problem with {short} that took you a long time to solve. What was the cause?",
        ]
        key_points = [
            f"Gives a concrete example of using {short}",
            f"Shows depth: configuration, failure modes or performance of {short}",
            "Names a limitation and how they worked around it",
            "Compares with an alternative",
        ]
        ideal = (
            f"I used {short} for a real project with real users. The demanding part was making it reliable under "
            f"load; I learned where {short} is strong and where it is not, and when I would pick something else."
        )
        return _question("skill", skill, texts[variant], ideal, key_points, _keywords([short]))

    return _Candidate("skill", skill, build)


def _typed_candidate(t: ItemTemplates) -> _Candidate:
    def build(variant: int) -> ResumeQuestion:
        return _question(t.kind, t.source, t.texts[variant], t.ideal, list(t.key_points), list(t.keywords))

    return _Candidate(t.kind, t.source, build)


# ---------------------------------------------------------------------------- helpers


def _digest(kind: str, source: str) -> str:
    normalised = " ".join(source.lower().split())
    return hashlib.sha256(f"{kind}|{normalised}".encode()).hexdigest()


def _question(
    kind: str, source: str, text: str, ideal: str, key_points: list[str], keywords: list[str]
) -> ResumeQuestion:
    return ResumeQuestion(
        slug=f"resume-{kind.replace('_', '-')}-{_digest(kind, source)[:12]}",
        text=text,
        ideal_answer=ideal,
        key_points=key_points[:5],
        keywords=keywords,
        source=source,
        kind=kind,
    )


def _org(employer: str) -> str:
    """An employer as said in a sentence: 'Nokia (Wrocław)' -> 'Nokia', 'University of Oxford' ->
    'the University of Oxford'."""
    name = _short(employer)
    if "," in name and re.match(r"(?:Department|Faculty|School|Institute|Division|Lab)\b", name):
        name = name.split(",")[-1].strip()  # "Department of CS, University of Oxford"
    if re.match(r"(?:University|Institute|Department|Ministry|Bank|City|School|Faculty) of\b", name):
        return f"the {name}"
    return name


def _short(skill: str) -> str:
    """'Google Cloud (GKE, Pub/Sub)' -> 'Google Cloud' for use inside a sentence."""
    return re.sub(r"\s*\([^)]*\)", "", skill).strip() or skill


def _skills_in(text: str, skills: list[str]) -> list[str]:
    out = []
    for skill in skills:
        for name in {skill, _short(skill)}:
            if re.search(rf"(?<![\w+#]){re.escape(name)}(?![\w+#])", text, re.IGNORECASE):
                out.append(skill)
                break
    return out


def _numbers(text: str) -> list[str]:
    return [n.strip() for n in re.findall(r"(?<![\w.])[$€£]?\d[\d.,]*\s?(?:%|[kKMB]\b|x\b|ms\b)?", text or "")]


def _keywords(items: list[str]) -> list[str]:
    out: list[str] = []
    for item in items:
        item = item.strip()
        if not item:
            continue
        if len(item.split()) > 3:
            # Long phrases: keep their content words, which an answer can actually repeat.
            words = [w for w in _WORD_RE.findall(item) if w.lower() not in _STOP]
            candidates = words[:3]
        else:
            candidates = [item]
        for candidate in candidates:
            if candidate.lower() not in {o.lower() for o in out}:
                out.append(candidate)
    return out[:10]


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
