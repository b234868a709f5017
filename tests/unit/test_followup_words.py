"""Follow-ups tied to the answer: which named things are found, which are refused, how they are said."""

from __future__ import annotations

import pytest

from talentsync.followup_words import named_things, personalise

ANSWER = (
    "At my last job our checkout service got slow during sales. We profiled it with cProfile and found the "
    "Postgres connection pool was exhausted. The platform team moved us to PgBouncer and p95 latency dropped "
    "from 800 ms to 120 ms, which cut 30% of support tickets. Three engineers worked on it for two weeks."
)
MEASURE = "How would you confirm that a slow service is CPU-bound rather than I/O-bound before choosing a fix?"
MEASURE_POINTS = "Compares CPU time with wall-clock time. Profiles to see where time goes."


def _by_kind(answer: str, not_in: str = "") -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for thing in named_things(answer, not_in=not_in):
        out.setdefault(thing.kind, []).append(thing.phrase)
    return out


def test_finds_systems_tools_teams_and_figures_in_the_candidates_words():
    found = _by_kind(ANSWER)
    assert found["system"] == ["your checkout service"]  # "our" said back as "your"
    assert found["team"] == ["the platform team"]
    assert {"cProfile", "Postgres", "PgBouncer"} <= set(found["tool"])
    assert {"800 ms", "120 ms", "30% of support tickets", "three engineers", "two weeks"} <= set(found["number"])


@pytest.mark.parametrize(
    "answer",
    [
        "I think the whole system needs a rethink, and my team agrees.",  # generic phrases
        "It improved by 40%. We saw one day of errors.",  # a bare percentage; a turn of phrase
        "Go ahead and ask. Swift action matters.",  # capitalised ordinary words at a sentence start
        "We fixed the part of the service that was slow.",  # a phrase across a clause
        "Expired holds don't need a cron job, and we never used Kafka.",  # things the candidate ruled out
    ],
)
def test_generic_or_ambiguous_phrases_are_not_named_things(answer):
    assert named_things(answer) == []


def test_things_the_question_already_named_are_not_the_candidates_own():
    answer = "I would put a rate limiter service in front, backed by Redis, and return 429s."
    things = {t.phrase for t in named_things(answer, not_in="How would you design a rate limiter for an API?")}
    assert "the rate limiter service" not in things
    assert "Redis" in things


def test_follow_up_names_a_thing_from_a_sentence_about_what_it_asks():
    out = personalise(MEASURE, ANSWER, question="Why did checkout get slow?", about=MEASURE_POINTS)
    assert out.thing is not None
    # cProfile is in the sentence about profiling, which is what this follow-up listens for
    assert out.thing.phrase == "cProfile"
    assert out.text.endswith(MEASURE)
    assert out.text.startswith(("You mentioned cProfile. ", "You brought up cProfile. "))


def test_nothing_fits_means_the_template_is_asked_as_written():
    answer = "The platform team owns the deploys. We write everything in Kotlin."
    out = personalise(MEASURE, answer, question="Tell me about your stack.", about=MEASURE_POINTS)
    assert out.thing is None
    assert out.text == MEASURE


def test_same_inputs_same_follow_up():
    first = personalise(MEASURE, ANSWER, question="q", about=MEASURE_POINTS)
    assert all(personalise(MEASURE, ANSWER, question="q", about=MEASURE_POINTS) == first for _ in range(3))
