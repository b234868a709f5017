"""Every payload of a finished interview's history is JSON (`json/plain`), so the Temporal Web UI
shows it as text: workflow input and result, activity inputs and results, local-activity markers,
updates, signals and search attributes. Before, every activity returning nothing (and every
local-activity marker) carried an empty `binary/null` payload."""

from __future__ import annotations

import json

import pytest
from google.protobuf.message import Message
from temporalio.api.common.v1 import Payload

from tests.conftest import register, wait_report
from tests.integration.test_pipelines import STRONG
from workflows.client import connect_temporal

pytestmark = pytest.mark.integration


def _payloads(msg: Message, path: str, out: list[tuple[str, Payload]]) -> None:
    """Every Payload anywhere inside a history event, with the field path that holds it."""
    if isinstance(msg, Payload):
        out.append((path, msg))
        return
    for field, value in msg.ListFields():
        if field.type != field.TYPE_MESSAGE:
            continue
        if field.message_type.GetOptions().map_entry:
            for key, item in value.items():
                if isinstance(item, Message):
                    _payloads(item, f"{path}.{field.name}[{key}]", out)
        elif not isinstance(value, Message):  # a repeated field
            for item in value:
                _payloads(item, f"{path}.{field.name}", out)
        else:
            _payloads(value, f"{path}.{field.name}", out)


async def test_interview_history_payloads_are_json(api, stack):
    headers = register(api)
    module = next(m for m in api.get("/api/modules", headers=headers).json() if m["slug"] == "behavioral")
    r = api.post("/api/sessions", json={"module_id": module["id"], "max_questions": 2}, headers=headers)
    sid, q = r.json()["id"], r.json()["question"]
    api.post(f"/api/sessions/{sid}/answers", json={"question_id": q["id"], "text": STRONG}, headers=headers)
    # Ended by the candidate (a signal) after one answer, so the history holds a signal too.
    assert api.post(f"/api/sessions/{sid}/end", headers=headers).status_code == 202
    wait_report(api, headers, sid)

    client = await connect_temporal(stack.temporal_address)
    history = await client.get_workflow_handle(f"session-{sid}").fetch_history()
    found: list[tuple[str, Payload]] = []
    for event in history.events:
        _payloads(event, "", found)
    encodings = {p.metadata["encoding"].decode() for _, p in found}
    assert encodings == {"json/plain"}, sorted(
        {(path, p.metadata["encoding"].decode()) for path, p in found if p.metadata["encoding"] != b"json/plain"}
    )
    paths = {path.lstrip(".") for path, _ in found}
    for expected in (
        "workflow_execution_started_event_attributes.input.payloads",
        "activity_task_scheduled_event_attributes.input.payloads",
        "activity_task_completed_event_attributes.result.payloads",
        "marker_recorded_event_attributes.details[result].payloads",
        "workflow_execution_signaled_event_attributes.input.payloads",
        "workflow_execution_update_accepted_event_attributes.accepted_request.input.args.payloads",
        "workflow_execution_completed_event_attributes.result.payloads",
        "upsert_workflow_search_attributes_event_attributes.search_attributes.indexed_fields[InterviewStatus]",
    ):
        assert expected in paths, (expected, sorted(paths))
    # And each decodes as JSON text a person can read.
    for _, p in found:
        json.loads(p.data)
    results = [json.loads(p.data) for path, p in found if path.endswith("details[result].payloads")]
    assert None in results, "local activities that return nothing now read as JSON null"
