"""Question packs: the shipped content and the loader's validation and discovery rules."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

from talentsync.packs import (
    PackError,
    QuestionPack,
    bundled_packs_dir,
    discover_packs,
    entry_point_pack_dirs,
    load_pack,
    pack_checksum,
    parse_pack,
    resolve_entry_point_object,
)

SHIPPED = sorted(p for ext in ("*.yaml", "*.yml") for p in bundled_packs_dir().glob(ext))
# The packs this change owns; others (written in parallel) are checked by the generic tests.
OWN_PACKS = {"behavioral", "backend-python", "system-design"}


def _question(slug: str) -> dict[str, Any]:
    return {
        "slug": slug,
        "text": f"Question {slug}?",
        "category": "technical",
        "difficulty": 2,
        "ideal_answer": "A specific answer with numbers. " * 10,
        "key_points": ["first point", "second point", "third point"],
        "keywords": ["alpha", "beta", "gamma", "delta", "epsilon"],
        "follow_ups": [
            {
                "slug": f"{slug}-fu-{n}",
                "text": f"Follow-up {n}?",
                "trigger": f"Trigger {n}.",
                "key_points": ["point a", "point b"],
            }
            for n in range(3)
        ],
    }


def _pack(slug: str, question_slugs: list[str]) -> dict[str, Any]:
    return {
        "slug": slug,
        "name": slug.title(),
        "domain": "testing",
        "description": "A pack used by tests.",
        "version": 1,
        "questions": [_question(q) for q in question_slugs],
    }


def _write(directory: Path, name: str, data: dict[str, Any]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


# --- shipped content ------------------------------------------------------------------------


def test_own_packs_are_shipped() -> None:
    slugs = {load_pack(p).slug for p in SHIPPED}
    assert OWN_PACKS <= slugs


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_pack_meets_content_rules(path: Path) -> None:
    pack = load_pack(path)
    assert pack.source == path
    assert len(pack.questions) >= 12, f"{path.name}: only {len(pack.questions)} questions"
    difficulties = {q.difficulty for q in pack.questions}
    assert len(difficulties) >= 2, f"{path.name}: all questions have difficulty {difficulties}"
    for q in pack.questions:
        assert 60 <= q.ideal_answer_words <= 260, f"{q.slug}: {q.ideal_answer_words} words"
        assert len(q.follow_ups) >= 3, q.slug
        triggers = [fu.trigger.casefold() for fu in q.follow_ups]
        assert len(set(triggers)) == len(triggers), f"{q.slug}: follow-up triggers repeat"
        texts = [fu.text.casefold() for fu in q.follow_ups]
        assert len(set(texts)) == len(texts), f"{q.slug}: follow-up texts repeat"


def test_own_packs_ideal_answers_in_target_range() -> None:
    # Stricter than the generic check: the brief for these packs asks for 90-200 words.
    for path in SHIPPED:
        pack = load_pack(path)
        if pack.slug not in OWN_PACKS:
            continue
        for q in pack.questions:
            assert 90 <= q.ideal_answer_words <= 200, f"{q.slug}: {q.ideal_answer_words}"
            assert 5 <= len(q.keywords) <= 12, q.slug


def test_behavioral_answers_follow_star() -> None:
    pack = next(load_pack(p) for p in SHIPPED if load_pack(p).slug == "behavioral")
    for q in pack.questions:
        for part in ("Situation:", "Task:", "Action:", "Result:"):
            assert part in q.ideal_answer, f"{q.slug} lacks {part}"


def test_all_shipped_packs_discover_together_without_collisions() -> None:
    packs = discover_packs(include_entry_points=False)
    assert {p.slug for p in packs} >= OWN_PACKS
    assert len(packs) == len(SHIPPED)
    all_slugs = [s for p in packs for s in p.all_slugs()]
    assert len(all_slugs) == len(set(all_slugs))


# --- validation -----------------------------------------------------------------------------


def test_valid_minimal_pack_loads(tmp_path: Path) -> None:
    path = _write(tmp_path, "mini.yaml", _pack("mini", ["mini-a", "mini-b"]))
    pack = load_pack(path)
    assert isinstance(pack, QuestionPack)
    assert [q.slug for q in pack.questions] == ["mini-a", "mini-b"]
    assert pack.questions[0].follow_ups[2].slug == "mini-a-fu-2"


def test_malformed_pack_error_names_file_and_field(tmp_path: Path) -> None:
    data = _pack("broken", ["broken-a", "broken-b"])
    data["questions"][1]["difficulty"] = 5
    path = _write(tmp_path, "broken.yaml", data)
    with pytest.raises(PackError) as info:
        load_pack(path)
    err = info.value
    assert err.path == path
    assert err.field == "questions.1(broken-b).difficulty"
    assert "broken.yaml" in str(err) and "difficulty" in str(err)


@pytest.mark.parametrize(
    ("mutate", "field_part"),
    [
        (lambda d: d["questions"][0].update(text="   "), "text"),
        (lambda d: d["questions"][0].update(key_points=["a", "b"]), "key_points"),
        (lambda d: d["questions"][0]["follow_ups"].pop(), "follow_ups"),
        (lambda d: d["questions"][0].update(category="trivia"), "category"),
        (lambda d: d["questions"][0].update(difficulty=0), "difficulty"),
        (lambda d: d["questions"][0].update(keypoints=["typo"]), "keypoints"),
        (lambda d: d.pop("domain"), "domain"),
        (lambda d: d.update(slug="Not A Slug"), "slug"),
        (lambda d: d["questions"][0]["follow_ups"][0].update(key_points=["x"]), "key_points"),
    ],
)
def test_invalid_fields_are_rejected(tmp_path: Path, mutate: Any, field_part: str) -> None:
    data = _pack("bad", ["bad-a"])
    mutate(data)
    path = _write(tmp_path, "bad.yaml", data)
    with pytest.raises(PackError) as info:
        load_pack(path)
    assert info.value.field is not None and field_part in info.value.field


def test_duplicate_question_slug_inside_pack(tmp_path: Path) -> None:
    path = _write(tmp_path, "dup.yaml", _pack("dup", ["dup-a", "dup-a"]))
    with pytest.raises(PackError, match="dup-a"):
        load_pack(path)


def test_follow_up_slug_may_not_reuse_a_question_slug(tmp_path: Path) -> None:
    data = _pack("clash", ["clash-a", "clash-b"])
    data["questions"][1]["follow_ups"][0]["slug"] = "clash-a"
    with pytest.raises(PackError, match="clash-a"):
        load_pack(_write(tmp_path, "clash.yaml", data))


def test_invalid_yaml_reports_line(tmp_path: Path) -> None:
    path = tmp_path / "syntax.yaml"
    path.write_text("slug: x\nquestions: [unclosed\n", encoding="utf-8")
    with pytest.raises(PackError) as info:
        load_pack(path)
    assert info.value.path == path
    assert info.value.field is not None and info.value.field.startswith("line ")


def test_non_mapping_top_level(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(PackError, match="mapping"):
        load_pack(path)


# --- discovery ------------------------------------------------------------------------------


def test_extra_dir_discovery(tmp_path: Path) -> None:
    _write(tmp_path / "extra", "custom.yml", _pack("custom-module", ["custom-q1", "custom-q2"]))
    (tmp_path / "extra" / "notes.txt").write_text("not a pack", encoding="utf-8")
    packs = discover_packs([tmp_path / "extra"], include_entry_points=False)
    by_slug = {p.slug: p for p in packs}
    assert "custom-module" in by_slug
    assert by_slug["custom-module"].source == tmp_path / "extra" / "custom.yml"
    assert OWN_PACKS <= by_slug.keys()  # bundled packs still come first


def test_bundled_dir_listed_again_is_read_once() -> None:
    packs = discover_packs([bundled_packs_dir()], include_entry_points=False)
    assert len(packs) == len(SHIPPED)


def test_missing_extra_dir_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(PackError, match="does not exist"):
        discover_packs([tmp_path / "nope"], include_entry_points=False)


def test_duplicate_question_slug_across_dirs_rejected(tmp_path: Path) -> None:
    first = _write(tmp_path / "one", "a.yaml", _pack("module-one", ["shared-q", "only-one"]))
    second = _write(tmp_path / "two", "b.yaml", _pack("module-two", ["only-two", "shared-q"]))
    with pytest.raises(PackError) as info:
        discover_packs([tmp_path / "one", tmp_path / "two"], include_bundled=False)
    message = str(info.value)
    assert "shared-q" in message and str(first) in message and str(second) in message
    assert info.value.field == "questions.1.slug"


def test_duplicate_module_slug_across_dirs_rejected(tmp_path: Path) -> None:
    _write(tmp_path / "one", "a.yaml", _pack("same-module", ["q-one"]))
    _write(tmp_path / "two", "b.yaml", _pack("same-module", ["q-two"]))
    with pytest.raises(PackError, match="same-module"):
        discover_packs([tmp_path / "one", tmp_path / "two"], include_bundled=False)


def test_extra_pack_colliding_with_shipped_slug_rejected(tmp_path: Path) -> None:
    _write(tmp_path / "extra", "copy.yaml", _pack("copycat", ["behavioral-conflict"]))
    with pytest.raises(PackError, match="behavioral-conflict"):
        discover_packs([tmp_path / "extra"], include_entry_points=False)


def test_resolve_entry_point_object_variants(tmp_path: Path) -> None:
    assert resolve_entry_point_object(str(tmp_path), source="ep") == tmp_path
    assert resolve_entry_point_object(tmp_path, source="ep") == tmp_path
    assert resolve_entry_point_object(lambda: tmp_path, source="ep") == tmp_path
    assert resolve_entry_point_object(lambda: str(tmp_path), source="ep") == tmp_path
    with pytest.raises(PackError, match="callable returning"):
        resolve_entry_point_object(42, source="ep")
    with pytest.raises(PackError, match="callable returning"):
        resolve_entry_point_object(lambda: None, source="ep")
    with pytest.raises(PackError, match="does not exist"):
        resolve_entry_point_object(str(tmp_path / "missing"), source="ep")

    def boom() -> str:
        raise RuntimeError("plugin bug")

    with pytest.raises(PackError, match="plugin bug") as info:
        resolve_entry_point_object(boom, source="entry point demo")
    assert "entry point demo" in str(info.value)


def test_entry_point_discovery_through_installed_distribution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A real (if tiny) installed distribution on sys.path, found by importlib.metadata."""
    site = tmp_path / "site"
    _write(site / "demo_packs", "plugin.yaml", _pack("plugin-module", ["plugin-q1"]))
    (site / "talentsync_demo_plugin.py").write_text(
        textwrap.dedent(
            """
            from pathlib import Path

            def pack_dir():
                return Path(__file__).parent / "demo_packs"
            """
        ),
        encoding="utf-8",
    )
    dist_info = site / "talentsync_demo_plugin-1.0.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: talentsync-demo-plugin\nVersion: 1.0\n", encoding="utf-8"
    )
    (dist_info / "entry_points.txt").write_text(
        "[talentsync.packs]\ndemo = talentsync_demo_plugin:pack_dir\n", encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(site))

    dirs = entry_point_pack_dirs()
    assert site / "demo_packs" in dirs
    packs = discover_packs(include_bundled=False)
    assert [p.slug for p in packs] == ["plugin-module"]


def test_broken_entry_point_names_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dist_info = tmp_path / "broken_plugin-1.0.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text("Metadata-Version: 2.1\nName: broken-plugin\nVersion: 1.0\n", encoding="utf-8")
    (dist_info / "entry_points.txt").write_text(
        "[talentsync.packs]\nbroken = no_such_module_xyz:packs\n", encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(PackError, match="broken"):
        discover_packs(include_bundled=False)


# --- checksum -------------------------------------------------------------------------------


def test_checksum_ignores_formatting_but_tracks_content(tmp_path: Path) -> None:
    data = _pack("sum", ["sum-a", "sum-b"])
    original = load_pack(_write(tmp_path, "a.yaml", data))
    # Same content, different key order and YAML style: the checksum must not change.
    reordered = dict(reversed(list(data.items())))
    path_b = tmp_path / "b.yaml"
    path_b.write_text(yaml.safe_dump(reordered, default_flow_style=True), encoding="utf-8")
    same = load_pack(path_b)
    assert pack_checksum(original) == pack_checksum(same)
    assert len(pack_checksum(original)) == 64

    data["questions"][1]["follow_ups"][0]["text"] = "A different follow-up?"
    changed = parse_pack(data)
    assert pack_checksum(changed) != pack_checksum(original)


def test_shipped_checksums_are_distinct() -> None:
    checksums = [pack_checksum(load_pack(p)) for p in SHIPPED]
    assert len(set(checksums)) == len(checksums)
