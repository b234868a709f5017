"""Media store on disk. Only keys travel through Temporal; bytes stay here.

Deleting is idempotent (`discard`): every caller that removes a recording or a resume file (the
retention sweep in talentsync/retention.py, deleting a resume or an account) may run twice or after
someone else already did it.
"""

from __future__ import annotations

import os
import re
import time
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path

_KEY = re.compile(r"^[a-z]+/[0-9a-f-]{36}\.[a-z0-9]{1,5}$")
PART_SUFFIX = ".part"  # a write in progress (or cut off by a crash); renamed into place when complete
KINDS = ("audio", "resume")  # the folders keys live in (`new_key`'s kind)


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
        tmp = path.with_suffix(path.suffix + PART_SUFFIX)
        tmp.write_bytes(data)
        os.replace(tmp, path)  # atomic: a reader never sees half a file
        return path

    def read(self, key: str) -> bytes:
        return self.path(key).read_bytes()

    def exists(self, key: str) -> bool:
        return self.path(key).exists()

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def discard(self, key: str | None) -> bool:
        """Delete the file behind ``key`` if there is one; True when a file was removed.

        Safe to call with whatever a row holds: None or "" (a resume refused at upload has no file)
        is a no-op, and a file already gone is not an error, so a retried deletion succeeds.
        """
        if not key:
            return False
        path = self.path(key)
        path.with_suffix(path.suffix + PART_SUFFIX).unlink(missing_ok=True)
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        return True

    def discard_many(self, keys: Iterable[str | None]) -> int:
        """`discard` each key; the number of files removed. Blocking: from async code run it in a thread."""
        return sum(self.discard(key) for key in keys)

    def files_older_than(self, seconds: float) -> Iterator[tuple[str | None, Path]]:
        """(key, path) of every stored file last written more than ``seconds`` ago.

        The key is None for a leftover partial write (``*.part``) or a stray file whose name is not a
        key: nothing can refer to either. Used by the orphan sweep, which checks keys against the rows.
        """
        cutoff = time.time() - seconds
        for kind in KINDS:
            folder = self.root / kind
            if not folder.is_dir():
                continue
            with os.scandir(folder) as entries:
                for entry in entries:
                    if not entry.is_file(follow_symlinks=False):
                        continue
                    try:
                        if entry.stat(follow_symlinks=False).st_mtime >= cutoff:
                            continue
                    except FileNotFoundError:  # removed meanwhile
                        continue
                    key = f"{kind}/{entry.name}"
                    yield (key if _KEY.match(key) else None), Path(entry.path)
