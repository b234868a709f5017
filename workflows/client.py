"""One way to connect to Temporal, shared by the API and the worker (same data converter)."""

from __future__ import annotations

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.runtime import Runtime


async def connect_temporal(address: str, namespace: str = "default", runtime: Runtime | None = None) -> Client:
    """``runtime``: the worker's, when it exports the SDK's metrics (activities/observability.py)."""
    return await Client.connect(address, namespace=namespace, data_converter=pydantic_data_converter, runtime=runtime)
