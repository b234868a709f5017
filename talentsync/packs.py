"""Question packs: the YAML format that ships interview modules, and its loader.

A pack is one module (``slug``, ``name``, ``domain``...) with its core questions, each carrying a
model answer, checkable key points, keywords and follow-up templates. Packs are plain data so that
content can be reviewed like code and so third parties can ship extra modules as a pip package
(entry point group ``talentsync.packs``) without touching this repository.

Slugs are business keys: seeding upserts modules, questions and follow-up templates by slug, so a
slug must be stable across edits and unique across *all* loaded packs, not only within its file.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterable, Iterator, Sequence
from importlib import metadata
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "talentsync.packs"
PACK_SUFFIXES = (".yaml", ".yml")

Category = Literal["behavioral", "technical", "system_design", "product", "ml"]

# Slugs end up in URLs, workflow payloads and vector ids; kebab-case keeps them safe everywhere.
Slug = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=120),
]
# Domains are vector-metadata filter values; allow snake_case too (e.g. ``system_design``).
Domain = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$", max_length=64),
]
NonEmptyStr = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Phrase = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class PackError(ValueError):
    """A pack file (or pack source) is unreadable, invalid or conflicts with another pack."""

    def __init__(self, message: str, *, path: Path | str | None = None, field: str | None = None):
        self.path = Path(path) if path is not None else None
        self.field = field
        prefix = f"{self.path}: " if self.path is not None else ""
        location = f"{field}: " if field else ""
        super().__init__(f"{prefix}{location}{message}")


def _reject_duplicates(values: Sequence[str], what: str) -> None:
    # Case-insensitive: "Idempotency" and "idempotency" would double-count in coverage scoring.
    seen: set[str] = set()
    for value in values:
        key = value.casefold()
        if key in seen:
            raise ValueError(f"duplicate {what}: {value!r}")
        seen.add(key)


class _Strict(BaseModel):
    # extra="forbid" turns a typo such as ``keypoints:`` into an error instead of silently empty data.
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class ListeningPoint(_Strict):
    """What an interviewer listens for in *any* good answer, not a fact from one model story.

    ``point`` is the short label shown to the candidate ("Owns the mistake"); ``listen_for`` says
    what evidence counts; ``examples`` are short sentences from *different* stories or approaches
    that would each count as evidence. The scorer matches answer sentences against the examples
    (and the description), so a candidate with another story or approach is still credited.
    A plain string is accepted for older packs and becomes a point with no examples.
    """

    point: Phrase
    listen_for: Annotated[str, StringConstraints(strip_whitespace=True, max_length=400)] = ""
    examples: list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]] = Field(
        default_factory=list, max_length=8
    )

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        return {"point": value} if isinstance(value, str) else value


def _reject_duplicate_points(points: Sequence[ListeningPoint]) -> None:
    _reject_duplicates([p.point for p in points], "key point")


class FollowUpTemplate(_Strict):
    """A follow-up the interviewer may ask after the parent question, retrieved by similarity."""

    slug: Slug
    text: NonEmptyStr
    trigger: NonEmptyStr
    key_points: list[ListeningPoint] = Field(min_length=2, max_length=4)

    @field_validator("key_points")
    @classmethod
    def _unique_key_points(cls, value: list[ListeningPoint]) -> list[ListeningPoint]:
        _reject_duplicate_points(value)
        return value


class PackQuestion(_Strict):
    """One core question of a module."""

    slug: Slug
    text: NonEmptyStr
    category: Category
    difficulty: int = Field(ge=1, le=3)
    # The model answer shown to the candidate after they answer.
    ideal_answer: NonEmptyStr
    # More strong answers that take other approaches or tell other stories; the scorer compares
    # an answer with the closest of all of them, so one model story is not the only right one.
    reference_answers: list[NonEmptyStr] = Field(default_factory=list, max_length=6)
    # Other ways an interviewer would ask the same thing: relevance is judged against these too.
    paraphrases: list[NonEmptyStr] = Field(default_factory=list, max_length=6)
    key_points: list[ListeningPoint] = Field(min_length=3, max_length=6)
    keywords: list[Phrase] = Field(min_length=5, max_length=12)
    follow_ups: list[FollowUpTemplate] = Field(min_length=3)

    @field_validator("key_points")
    @classmethod
    def _unique_key_points(cls, value: list[ListeningPoint]) -> list[ListeningPoint]:
        _reject_duplicate_points(value)
        return value

    @field_validator("keywords")
    @classmethod
    def _unique_keywords(cls, value: list[str]) -> list[str]:
        _reject_duplicates(value, "keyword")
        return value

    @property
    def ideal_answer_words(self) -> int:
        return len(self.ideal_answer.split())


class QuestionPack(_Strict):
    """A module and its questions, as stored in one YAML file."""

    slug: Slug
    name: NonEmptyStr
    domain: Domain
    description: NonEmptyStr
    version: int = Field(ge=1)
    questions: list[PackQuestion] = Field(min_length=1)

    # Where the pack was loaded from: only for error messages, never part of the checksum.
    _source: Path | None = PrivateAttr(default=None)

    @property
    def source(self) -> Path | None:
        return self._source

    @model_validator(mode="after")
    def _unique_slugs(self) -> QuestionPack:
        # Question and follow-up slugs share one namespace: both are upsert keys and both become
        # vector ids, so a follow-up must not collide with a question either.
        seen: dict[str, str] = {}
        for slug, where in self.slug_locations():
            if slug in seen:
                raise ValueError(f"slug {slug!r} at {where} is already used at {seen[slug]}")
            seen[slug] = where
        return self

    def slug_locations(self) -> Iterator[tuple[str, str]]:
        """Every question and follow-up slug with its field path, in file order."""
        for i, question in enumerate(self.questions):
            yield question.slug, f"questions.{i}.slug"
            for j, follow_up in enumerate(question.follow_ups):
                yield follow_up.slug, f"questions.{i}.follow_ups.{j}.slug"

    def all_slugs(self) -> list[str]:
        """Every question and follow-up slug in the pack, in file order."""
        return [slug for slug, _ in self.slug_locations()]


def _describe_location(loc: tuple[int | str, ...], raw: Any) -> str:
    """Turn a pydantic error location into ``questions.3(behavioral-conflict).follow_ups.1.slug``.

    Naming the question slug next to the index saves counting list items in a 1,000-line file.
    """
    parts: list[str] = []
    node: Any = raw
    for item in loc:
        label = str(item)
        if isinstance(item, int) and isinstance(node, list) and 0 <= item < len(node):
            node = node[item]
            slug = node.get("slug") if isinstance(node, dict) else None
            if isinstance(slug, str):
                label = f"{item}({slug})"
        elif isinstance(node, dict):
            node = node.get(item)
        else:
            node = None
        parts.append(label)
    return ".".join(parts) or "<root>"


def parse_pack(data: Any, *, source: Path | str | None = None) -> QuestionPack:
    """Validate already-parsed YAML/JSON data as a pack; ``source`` names it in errors."""
    if not isinstance(data, dict):
        raise PackError(
            f"top level must be a mapping, got {type(data).__name__}",
            path=source,
            field="<root>",
        )
    try:
        pack = QuestionPack.model_validate(data)
    except ValidationError as exc:
        problems = [(_describe_location(err["loc"], data), err["msg"]) for err in exc.errors()]
        # The first problem goes into ``field``; the rest are listed so one run shows them all.
        first_field, first_msg = problems[0]
        message = first_msg
        if len(problems) > 1:
            others = "; ".join(f"{where}: {msg}" for where, msg in problems[1:10])
            more = f"; ... {len(problems) - 10} more" if len(problems) > 10 else ""
            message += f" (and {len(problems) - 1} more problem(s): {others}{more})"
        raise PackError(message, path=source, field=first_field) from exc
    pack._source = Path(source) if source is not None else None
    return pack


def load_pack(path: Path | str) -> QuestionPack:
    """Read and validate one pack file. Raises ``PackError`` naming the file and the field."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PackError(f"cannot read pack: {exc}", path=path) from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else None
        raise PackError(f"invalid YAML: {exc}", path=path, field=where) from exc
    return parse_pack(data, source=path)


def pack_checksum(pack: QuestionPack) -> str:
    """sha256 hex digest of the pack's canonical JSON, so seeding can skip unchanged packs.

    Independent of YAML formatting, comments and key order; any content change alters it.
    """
    canonical = json.dumps(
        pack.model_dump(mode="json"),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def bundled_packs_dir() -> Path:
    """The repository's ``packs/`` folder (a sibling of the ``talentsync`` package)."""
    return Path(__file__).resolve().parent.parent / "packs"


def pack_files(directory: Path) -> list[Path]:
    """``*.yaml`` / ``*.yml`` files directly inside ``directory``, sorted for a stable order."""
    return sorted(
        p
        for p in directory.iterdir()
        if p.is_file() and p.suffix.lower() in PACK_SUFFIXES and not p.name.startswith(".")
    )


def resolve_entry_point_object(obj: object, *, source: str) -> Path:
    """Turn a ``talentsync.packs`` entry point's loaded object into a pack directory.

    The object is a path (``str`` or ``os.PathLike``) or a zero-argument callable returning one;
    a callable lets a package compute its directory, e.g. from ``importlib.resources.files``.
    """
    value: object = obj
    if callable(value) and not isinstance(value, (str, os.PathLike)):
        try:
            value = value()
        except Exception as exc:  # third-party code: report which plugin broke, then stop
            raise PackError(f"entry point callable raised {exc!r}", path=source) from exc
    if not isinstance(value, (str, os.PathLike)):
        raise PackError(
            f"entry point must be a directory path or a callable returning one, got {type(value).__name__}",
            path=source,
        )
    directory = Path(os.fspath(value))
    if not directory.is_dir():
        raise PackError(f"entry point directory {directory} does not exist", path=source)
    return directory


def entry_point_pack_dirs(
    entry_points: Iterable[metadata.EntryPoint] | None = None,
) -> list[Path]:
    """Pack directories advertised by installed distributions (group ``talentsync.packs``)."""
    if entry_points is None:
        entry_points = metadata.entry_points(group=ENTRY_POINT_GROUP)
    dirs: list[Path] = []
    for ep in sorted(entry_points, key=lambda e: (e.name, e.value)):
        dist = getattr(ep, "dist", None)
        source = f"entry point {ep.name}={ep.value}" + (f" ({dist.name})" if dist else "")
        try:
            obj = ep.load()
        except Exception as exc:  # a broken plugin must name itself, not crash anonymously
            raise PackError(f"cannot load entry point: {exc!r}", path=source) from exc
        dirs.append(resolve_entry_point_object(obj, source=source))
    return dirs


def _check_unique_across(packs: Sequence[QuestionPack]) -> None:
    modules: dict[str, QuestionPack] = {}
    items: dict[str, tuple[QuestionPack, str]] = {}
    for pack in packs:
        if pack.slug in modules:
            raise PackError(
                f"module slug {pack.slug!r} is also defined in {modules[pack.slug].source}",
                path=pack.source,
                field="slug",
            )
        modules[pack.slug] = pack
        for slug, where in pack.slug_locations():
            if slug in items:
                other, other_where = items[slug]
                raise PackError(
                    f"slug {slug!r} is also defined in {other.source} at {other_where}",
                    path=pack.source,
                    field=where,
                )
            items[slug] = (pack, where)


def discover_packs(
    extra_dirs: Sequence[Path | str] = (),
    *,
    include_bundled: bool = True,
    include_entry_points: bool = True,
    entry_points: Iterable[metadata.EntryPoint] | None = None,
) -> list[QuestionPack]:
    """Load every pack: the repo's ``packs/``, then ``extra_dirs``, then installed plugins.

    An explicitly configured extra dir that does not exist is an error (a silent miss would make a
    module quietly disappear); a missing bundled ``packs/`` (e.g. a wheel install) is not. The same
    directory listed twice is read once. Duplicate module or question slugs raise ``PackError``.
    """
    sources: list[Path] = []
    if include_bundled:
        bundled = bundled_packs_dir()
        if bundled.is_dir():
            sources.append(bundled)
        else:
            log.info("no bundled packs directory", extra={"path": str(bundled)})
    for raw in extra_dirs:
        directory = Path(raw).expanduser()
        if not directory.is_dir():
            raise PackError("configured pack directory does not exist", path=directory)
        sources.append(directory)
    if include_entry_points:
        sources.extend(entry_point_pack_dirs(entry_points))

    packs: list[QuestionPack] = []
    seen_dirs: set[Path] = set()
    for directory in sources:
        resolved = directory.resolve()
        if resolved in seen_dirs:
            continue
        seen_dirs.add(resolved)
        for path in pack_files(directory):
            packs.append(load_pack(path))
    _check_unique_across(packs)
    log.info(
        "question packs loaded",
        extra={
            "packs": [p.slug for p in packs],
            "directories": [str(d) for d in seen_dirs],
        },
    )
    return packs
