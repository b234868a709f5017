"""One way to connect to Temporal, shared by the API and the worker (same data converter)."""

from __future__ import annotations

from typing import Any

import temporalio.api.common.v1
from temporalio.client import Client
from temporalio.contrib.pydantic import PydanticPayloadConverter
from temporalio.converter import BinaryNullPayloadConverter, DataConverter
from temporalio.runtime import Runtime

JSON_NULL = temporalio.api.common.v1.Payload(metadata={"encoding": b"json/plain"}, data=b"null")


class NullAsJsonConverter(BinaryNullPayloadConverter):
    """`None` written as the JSON `null` (`json/plain`) instead of an empty `binary/null` payload.

    Every activity that returns nothing (status writes, marks, feedback) and every local-activity
    marker carried a `binary/null` result, which the Temporal Web UI shows as an opaque binary
    payload beside the JSON of everything else. Written as `json/plain` it reads as `null`. The
    converter stays registered under `binary/null`, so histories recorded before still decode.
    """

    def to_payload(self, value: Any) -> temporalio.api.common.v1.Payload | None:
        if value is None:
            return temporalio.api.common.v1.Payload(metadata=dict(JSON_NULL.metadata), data=JSON_NULL.data)
        return None


class ReadablePayloadConverter(PydanticPayloadConverter):
    """Pydantic JSON for values (see `temporalio.contrib.pydantic`), JSON `null` for None."""

    def __init__(self) -> None:
        super().__init__()
        self._set_converters(
            *(
                NullAsJsonConverter() if isinstance(c, BinaryNullPayloadConverter) else c
                for c in self.converters.values()
            )
        )


data_converter = DataConverter(payload_converter_class=ReadablePayloadConverter)


async def connect_temporal(address: str, namespace: str = "default", runtime: Runtime | None = None) -> Client:
    """``runtime``: the worker's, when it exports the SDK's metrics (activities/observability.py)."""
    return await Client.connect(address, namespace=namespace, data_converter=data_converter, runtime=runtime)
