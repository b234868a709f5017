"""Media store on disk. Only keys travel through Temporal; bytes stay here."""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

_KEY = re.compile(r"^[a-z]+/[0-9a-f-]{36}\.[a-z0-9]{1,5}$")


class MediaStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)

    def new_key(self, kind: str, ext: str) -> str:
        return f"{kind}/{uuid.uuid4()}.{ext.lower().lstrip('.')}"

    def path(self, key: str) -> Path:
        if not _KEY.match(key):  # keys come from us; anything else is a traversal attempt
            raise ValueError(f"invalid media key {key!r}")
        return self.root / key

    def write(self, key: str, data: bytes) -> Path:
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".part")
        tmp.write_bytes(data)
        os.replace(tmp, path)  # atomic: a reader never sees half a file
        return path

    def read(self, key: str) -> bytes:
        return self.path(key).read_bytes()

    def exists(self, key: str) -> bool:
        return self.path(key).exists()

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)
