"""The scorer's lexical helpers: wrapped lines, sentence units and how varied an answer's words are."""

from __future__ import annotations

from talentsync.scoring.text import lexical_variety, split_sentences, unwrap_lines


def test_hard_wrapped_lines_become_the_sentences_they_were_cut_from():
    text = (
        "I wrote a migration that added a NOT NULL column with a default to our orders\n"
        "table, about 40 million rows. It went out at 11am and checkout returned 503s\n"
        "within a minute."
    )
    assert split_sentences(text) == [
        "I wrote a migration that added a NOT NULL column with a default to our orders table, about 40 million rows.",
        "It went out at 11am and checkout returned 503s within a minute.",
    ]


def test_lists_paragraphs_and_short_lines_keep_their_breaks():
    text = "Steps:\n- add a unique key\n- replay the stored response\n\nPros\nCons\nDone."
    assert unwrap_lines(text) == text
    assert split_sentences(text) == [
        "Steps:",
        "add a unique key",
        "replay the stored response",
        "Pros",
        "Cons",
        "Done.",
    ]


def test_a_lower_case_continuation_joins_even_a_short_line():
    assert unwrap_lines("We used Redis\nfor the counters.") == "We used Redis for the counters."


def test_a_capitalised_line_after_a_long_bullet_starts_anew():
    text = (
        "- Compares the model with a simple baseline and a confidence interval\n"
        "Explains why accuracy misleads at half a percent prevalence.\n"
        "- Sets the threshold from the cost of a missed fraud versus a false\n"
        "alarm"
    )
    assert split_sentences(text) == [
        "Compares the model with a simple baseline and a confidence interval",
        "Explains why accuracy misleads at half a percent prevalence.",
        "Sets the threshold from the cost of a missed fraud versus a false alarm",
    ]


def test_repeating_the_same_words_has_less_variety_than_saying_new_things():
    varied = (
        "We keyed each charge by a client idempotency key stored under a unique constraint, replayed the stored "
        "response on retries, returned 409 while the first request was in flight, compared a hash of the body "
        "to reject mismatched reuse, and passed the same key to Stripe so the provider deduplicated as well."
    )
    padded = (
        "This is really important because payments are really important, and getting payments wrong is really "
        "bad, so it is really important to get payments right, and that is why it is really important. "
    ) * 4
    assert lexical_variety(padded) < 0.3 < 0.45 < lexical_variety(varied)
    assert lexical_variety("") == 0.0
