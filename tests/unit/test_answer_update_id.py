"""Answer update ids: a double send is answered once; a deliberate re-send after a failure runs anew."""

from api.routes.answers import _answer_update_id


def test_same_send_same_id_and_resend_differs():
    first = _answer_update_id("q1", b"audio bytes")
    assert first == _answer_update_id("q1", b"audio bytes", None, 1)  # a double click / network retry
    resend = _answer_update_id("q1", b"audio bytes", None, 2)
    assert resend != first  # Temporal would replay the failed outcome for the same id
    assert _answer_update_id("q1", b"audio bytes", 2) != first  # answering again is a new attempt
    assert _answer_update_id("q1", b"other") != first
