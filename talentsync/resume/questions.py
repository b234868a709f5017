"""Interview questions grounded in specific resume items.

Each question quotes or paraphrases one resume line and carries key points derived from that
line, so the scorer treats it like any bank question. Everything is deterministic: the same
parsed resume gives the same questions, slugs and template choices (a hash of the item, never
``random``), which keeps Temporal activity retries and session replays stable.

Priority: quantified achievements (percentages and money before plain counts, recent roles
first), then projects, then the most recent role's technologies. When candidates of another
kind exist, achievements take at most ``max_questions - 1`` slots so one session covers more
than one part of the resume.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass

from talentsync.resume.models import Achievement, ParsedResume, Project, ResumeQuestion, Role

_IRREGULAR_PAST = {
    "built",
    "led",
    "cut",
    "ran",
    "wrote",
    "drove",
    "grew",
    "made",
    "won",
    "took",
    "set",
    "brought",
    "began",
    "became",
    "found",
    "kept",
    "sold",
    "taught",
    "spent",
    "rebuilt",
    "oversaw",
    "rewrote",
    "shipped",
    "shrank",
    "shrunk",
    "sped",
    "undertook",
    "held",
    "put",
    "got",
    "gave",
    "upheld",
}
_METRIC_RE = re.compile(
    r"^\w+\s+(?:the\s+|our\s+|a\s+|an\s+|overall\s+)?(?P<metric>[^,;]+?)\s+(?:by|from|to)\s+(?:over\s+|about\s+|~)?[\d$€£]",
    re.IGNORECASE,
)
_METHOD_RE = re.compile(
    r"(?:\bby\s+(?P<gerund>[a-z]+ing\b[^.;,]*?)|\b(?:using|via|through|with)\s+(?P<tool>[^.;,]+?))"
    r"(?:[.;,]|\s+(?:across|for|to|in|on)\b|$)"
)
# Collaboration platforms are on resumes but make poor "why did you pick X" questions.
_NOT_TECH_CHOICES = {"GitHub", "GitLab", "Git", "Jira", "Confluence", "Agile", "Scrum", "Kanban"}
_STRONG_NUMBER_RE = re.compile(r"[%$€£x×]|percent|times|million|billion|\d[kKMB]\b")
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z0-9+#.-]{2,}")
_STOP = {
    "the",
    "and",
    "for",
    "with",
    "from",
    "into",
    "across",
    "over",
    "under",
    "that",
    "this",
    "our",
    "their",
    "by",
    "to",
    "of",
    "in",
    "on",
    "per",
    "a",
    "an",
    "using",
    "via",
    "through",
}


@dataclass(frozen=True)
class _Candidate:
    kind: str
    source: str
    build: Callable[[int], ResumeQuestion]


def generate_resume_questions(parsed: ParsedResume, max_questions: int = 3) -> list[ResumeQuestion]:
    """Up to ``max_questions`` questions, each tied to one resume item (see module docstring)."""
    if max_questions <= 0:
        return []
    achievements = [_achievement_candidate(a, parsed) for a in _ranked_achievements(parsed)]
    projects = [_project_candidate(p, parsed) for p in parsed.projects if p.name and (p.bullets or p.description)]
    role = _most_recent_role(parsed)
    role_tech = [_role_candidate(role, parsed)] if role is not None else []
    role_tech = [c for c in role_tech if c is not None]

    others = [c for c in projects + role_tech if c is not None]
    achievement_slots = max_questions - 1 if others and max_questions > 1 else max_questions
    chosen: list[_Candidate] = achievements[:achievement_slots]
    for candidate in others + achievements[achievement_slots:]:
        if len(chosen) >= max_questions:
            break
        if candidate is not None and candidate.source not in {c.source for c in chosen}:
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


# ---------------------------------------------------------------------------- achievements


def _ranked_achievements(parsed: ParsedResume) -> list[Achievement]:
    def strength(a: Achievement) -> int:
        return 0 if any(_STRONG_NUMBER_RE.search(n) for n in a.numbers) else 1

    indexed = list(enumerate(parsed.achievements))
    indexed.sort(key=lambda pair: (strength(pair[1]), pair[0]))
    return [a for _, a in indexed]


def _achievement_candidate(item: Achievement, parsed: ParsedResume) -> _Candidate:
    text = item.text.strip().rstrip(".")
    metric_match = _METRIC_RE.search(text)
    metric = metric_match.group("metric").strip() if metric_match else None
    method_match = _METHOD_RE.search(text)
    method = (method_match.group("gerund") or method_match.group("tool")).strip() if method_match else None
    number = item.numbers[0] if item.numbers else "that number"
    skills = _skills_in(text, parsed.skills)
    clause = _as_clause(text)
    at = f"At {item.employer}, you" if item.employer else "You"
    where = f" at {item.employer}" if item.employer else ""
    measured = metric or "the result"

    def build(variant: int) -> ResumeQuestion:
        texts = [
            f"{at} {clause}. Walk me through how you measured {measured}: what was the baseline, "
            f"and how did you confirm the {number} held up?",
            f"Your resume says you {clause}{where}. What made this a priority, and what did you "
            f"personally do to get to {number}?",
            f"{at} {clause}. What alternatives did you consider, what trade-offs came with the "
            f"approach you chose, and what would you do differently today?",
        ]
        key_points = [
            f"Gives the baseline for {measured} before the change and how it was measured",
            f"Explains the specific change they made ({method})"
            if method
            else "Explains the specific change they made and why it worked",
            f"Quantifies the outcome ({', '.join(item.numbers[:3])}) and how it was verified",
            f"Separates their own contribution from the team's{where}",
            "Names a trade-off, risk or lesson learned",
        ]
        opening = (
            f"{metric[:1].upper() + metric[1:]} was what we set out to improve"
            if metric
            else "The goal was an outcome we could measure"
        )
        ideal = (
            f"{'At ' + item.employer + ': ' if item.employer else ''}{opening}. "
            "Before changing anything I measured the baseline with the same tooling we would use "
            "afterwards, "
            f"so the comparison was fair. I {clause}. "
            f"{'The key change was ' + method + '. ' if method else ''}"
            f"I rolled it out gradually, compared against the baseline and confirmed the {number} "
            "held over time. "
            f"My part was the design and the measurement; the team helped with review and rollout. "
            f"The trade-off was added complexity, and next time I would set up the measurement even earlier."
        )
        keywords = _keywords(item.numbers + skills + ([metric] if metric else []) + ([method] if method else []))
        return _question("achievement", text, texts[variant], ideal, key_points, keywords)

    return _Candidate("achievement", text, build)


# ---------------------------------------------------------------------------- projects


def _project_candidate(project: Project, parsed: ParsedResume) -> _Candidate:
    source = project.name + (f" — {project.description}" if project.description else "")
    detail = (project.bullets[0] if project.bullets else project.description).rstrip(".")
    tech = [t for t in project.technologies or _skills_in(detail, parsed.skills) if t not in _NOT_TECH_CHOICES][:3]
    tech_phrase = _join(tech) if tech else "your technology stack"

    def build(variant: int) -> ResumeQuestion:
        texts = [
            f"Tell me about {project.name}. What problem were you solving, and why did you pick {tech_phrase}?",
            f"In {project.name} you used {tech_phrase}. What was the hardest technical decision you "
            "made there, "
            f"and what would you change now?",
            f"Walk me through the architecture of {project.name}: the main components, how data flows "
            f"between them, and how you tested it.",
        ]
        key_points = [
            f"States the problem {project.name} solves and who it is for",
            "Describes the main components and how they fit together",
            f"Justifies the choice of {tech_phrase} over alternatives",
            f"Explains how it was tested or validated{' (' + detail + ')' if detail else ''}",
            "Names a limitation or a next step",
        ]
        ideal = (
            f"{project.name} started from a concrete problem: {project.description or detail}. "
            f"I built it with {tech_phrase} because it fit the constraints I had. "
            "The main components are an input layer, the core logic and storage, with clear "
            "interfaces between them. "
            f"{'A result I can point to: ' + detail + '. ' if detail else ''}"
            f"I tested it with unit tests and a realistic load or data set, and the biggest limitation "
            f"today is what I would tackle next."
        )
        keywords = _keywords([project.name, *tech, *_numbers(detail)])
        return _question("project", source, texts[variant], ideal, key_points, keywords)

    return _Candidate("project", source, build)


# ---------------------------------------------------------------------------- role tech


def _most_recent_role(parsed: ParsedResume) -> Role | None:
    dated = [r for r in parsed.roles if r.start]
    if not dated:
        return parsed.roles[0] if parsed.roles else None
    # "present" sorts after any year; among equal ends the later start wins.
    return max(dated, key=lambda r: ("9999" if r.end == "present" else (r.end or r.start or ""), r.start or ""))


def _role_candidate(role: Role, parsed: ParsedResume) -> _Candidate | None:
    tech = [
        t for t in _skills_in(" ".join(role.bullets), parsed.skills) or parsed.skills if t not in _NOT_TECH_CHOICES
    ][:3]
    if not tech:
        return None
    title = role.title or "engineer"
    employer = role.employer or "your most recent company"
    source = f"{title} — {employer}" + (f": {role.bullets[0]}" if role.bullets else "")
    tech_phrase = _join(tech)

    def build(variant: int) -> ResumeQuestion:
        texts = [
            f"As {title} at {employer} you worked with {tech_phrase}. Describe a production problem you "
            f"debugged in that stack, step by step.",
            f"At {employer}, how did {tech[0]} fit into the system you worked on as {title}, and where did "
            f"it reach its limits?",
            f"In your role as {title} at {employer} you used {tech_phrase}. How did you decide on "
            f"{tech[0]} over the alternatives, and how did you run it in production?",
        ]
        key_points = [
            f"Describes the system at {employer} and their responsibility in it as {title}",
            f"Shows hands-on depth with {tech[0]} (configuration, failure modes, performance)",
            "Walks through a concrete problem: symptoms, diagnosis, fix",
            "Mentions monitoring, testing or rollback that kept production safe",
            "Names an alternative and why it was or was not chosen",
        ]
        ideal = (
            f"At {employer} I worked as {title} on a system built with {tech_phrase}. "
            f"{tech[0]} sat at the core of it; I owned its configuration and its behaviour under load. "
            "One incident: latency rose after a deploy, I checked dashboards and logs, reproduced it, "
            "found the cause, "
            f"shipped a fix behind a flag and added a test and an alert so it would not recur. "
            f"We had compared {tech[0]} with alternatives and chose it for its fit with our team "
            "and workload."
        )
        keywords = _keywords([employer, *tech])
        return _question("role_tech", source, texts[variant], ideal, key_points, keywords)

    return _Candidate("role_tech", source, build)


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


def _as_clause(text: str) -> str:
    """ "Cut latency by 30%" -> "cut latency by 30%"; non-verb openings are quoted instead."""
    first, _, rest = text.partition(" ")
    word = first.lower()
    if word.endswith("ed") or word in _IRREGULAR_PAST:
        return f"{word} {rest}".strip()
    return f'wrote "{text}"'


def _skills_in(text: str, skills: list[str]) -> list[str]:
    return [s for s in skills if re.search(rf"(?<![\w+#]){re.escape(s)}(?![\w+#])", text, re.IGNORECASE)]


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
