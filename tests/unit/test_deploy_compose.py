"""docker-compose.yml, checked without a Docker engine: parsed, then held against the code.

The repository's file must pass every check; each mutation below breaks one thing the way a real
edit would, and the checker must name it (so a check that cannot fail would show up here).
"""

from __future__ import annotations

import copy
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.deploy_checks.common import REPO, dockerfile_problems, image_problem
from tests.deploy_checks.compose import check_compose, check_dockerignore, load_compose, parse_port

Compose = dict[str, Any]


@pytest.fixture(scope="module")
def compose() -> Compose:
    return load_compose(REPO / "docker-compose.yml")


def test_repository_compose_passes(compose: Compose) -> None:
    assert check_compose(compose, REPO) == []


def test_dockerfile_images_are_pinned() -> None:
    assert dockerfile_problems((REPO / "Dockerfile").read_text()) == []


def test_merged_services_keep_what_the_anchors_give(compose: Compose) -> None:
    """YAML merge keys are easy to get wrong: every role really gets the app's env and waits."""
    for role in ("interview", "retrieval", "ml", "transcription", "feedback"):
        svc = compose["services"][f"worker-{role}"]
        assert svc["environment"]["JWT_SECRET"].startswith("${JWT_SECRET:?")
        assert svc["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert svc["restart"] == "unless-stopped"
    assert compose["services"]["migrate"]["restart"] == "no"


def services(c: Compose) -> dict[str, Any]:
    return c["services"]


def set_env(service: str, key: str, value: str) -> Callable[[Compose], None]:
    def mutate(c: Compose) -> None:
        services(c)[service]["environment"] = {**services(c)[service]["environment"], key: value}

    return mutate


MUTATIONS: dict[str, tuple[Callable[[Compose], None], str]] = {
    "missing Dockerfile": (
        lambda c: services(c)["api"].update(build={"context": ".", "dockerfile": "Dockerfile.gone"}),
        "Dockerfile 'Dockerfile.gone' does not exist",
    ),
    "missing build context": (
        lambda c: services(c)["migrate"].update(build="./no-such-dir"),
        "build context './no-such-dir' does not exist",
    ),
    "missing bind-mounted file": (
        lambda c: services(c)["nginx"].update(volumes=["./deploy/nginx.missing:/etc/nginx/conf.d/default.conf:ro"]),
        "bind-mounted './deploy/nginx.missing' does not exist",
    ),
    "dependency without healthcheck": (
        lambda c: services(c)["redis"].pop("healthcheck"),
        "depends on 'redis', which has no healthcheck",
    ),
    "dependency waited for by start only": (
        lambda c: services(c)["api"]["depends_on"].update(redis={"condition": "service_started"}),
        "waits for 'redis' with service_started",
    ),
    "job waited for by health": (
        lambda c: services(c)["api"]["depends_on"].update(migrate={"condition": "service_healthy"}),
        "waits for job 'migrate' with service_healthy",
    ),
    "dependency on an unknown service": (
        lambda c: services(c)["api"]["depends_on"].update(cache={"condition": "service_healthy"}),
        "depends on 'cache', which is not a service",
    ),
    "untagged image": (lambda c: services(c)["redis"].update(image="redis"), "has no tag"),
    "latest image": (lambda c: services(c)["nginx"].update(image="nginx:latest"), "is `latest`"),
    "floating major tag": (lambda c: services(c)["redis"].update(image="redis:7-alpine"), "floating tag"),
    "secret with a default": (
        set_env("api", "JWT_SECRET", "${JWT_SECRET:-change-me}"),
        "secret ${JWT_SECRET} must be required",
    ),
    "literal database password": (
        lambda c: services(c)["postgres"]["environment"].update(POSTGRES_PASSWORD="talentsync"),
        "postgres: POSTGRES_PASSWORD is a literal",
    ),
    "literal password in a URL": (
        set_env("api", "DATABASE_URL", "postgresql+psycopg://talentsync:hunter2@postgres:5432/talentsync"),
        "DATABASE_URL embeds a literal password",
    ),
    "undocumented variable": (
        set_env("api", "LOG_LEVEL", "${TS_LOG_VERBOSITY:-INFO}"),
        "${TS_LOG_VERBOSITY} is neither a Settings field nor documented",
    ),
    "misspelt setting": (
        set_env("worker-ml", "DATABSE_URL", "postgresql+psycopg://x@postgres/talentsync"),
        "DATABSE_URL is not a Settings field",
    ),
    "duplicate host port": (lambda c: services(c)["temporal-ui"].update(ports=["80:8080"]), "already published"),
    "port out of range": (lambda c: services(c)["nginx"].update(ports=["99999:80"]), "outside 1-65535"),
    "database published on every interface": (
        lambda c: services(c)["postgres"].update(ports=["5432:5432"]),
        "published on every interface",
    ),
    "worker publishes a port": (lambda c: services(c)["worker-ml"].update(ports=["9464:9464"]), "cannot be scaled"),
    "missing worker role": (lambda c: services(c).pop("worker-feedback"), "no worker-feedback service"),
    "role runs two queues": (
        lambda c: services(c)["worker-ml"].update(command=["python", "worker.py", "--queues", "ml,feedback"]),
        "worker-ml must run `worker.py --queues ml`",
    ),
    "all-queues worker": (
        lambda c: services(c).update(worker={**services(c)["worker-ml"], "command": ["python", "worker.py"]}),
        "worker: runs worker.py for",
    ),
    "api does not wait for migrations": (
        lambda c: services(c)["api"]["depends_on"].pop("migrate"),
        "api: does not wait for the migration job",
    ),
    "no migration job": (lambda c: services(c)["migrate"].update(command=["true"]), "runs the migrations"),
    "search attribute failure hidden": (
        lambda c: services(c)["temporal-setup"].update(
            volumes=[],
            entrypoint=["sh", "-c"],
            command=["temporal operator search-attribute create --name InterviewStatus --type Keyword || true"],
        ),
        "`|| true` hides a failed search-attribute registration",
    ),
    "search attribute missing": (
        lambda c: services(c)["temporal-setup"].update(
            volumes=[], entrypoint=["sh", "-c"], command=["temporal operator search-attribute create --name X"]
        ),
        "does not register search attribute(s) ['InterviewStatus']",
    ),
    "temporal schema not set up": (
        lambda c: services(c)["temporal"].update(depends_on={"temporal-db": {"condition": "service_healthy"}}),
        "Temporal's database schema is not set up",
    ),
    "cloud key not passed to the app": (
        lambda c: services(c)["worker-transcription"].update(
            environment={k: v for k, v in c["x-app-env"].items() if k != "ASSEMBLYAI_API_KEY"}
        ),
        "worker-transcription: secret setting(s) ['ASSEMBLYAI_API_KEY'] are not passed in",
    ),
    "misspelt key (Compose spec)": (
        lambda c: services(c)["api"].update(helthcheck=services(c)["api"].pop("healthcheck")),
        "Compose specification: extension key `helthcheck`",
    ),
    "unknown dependency condition (Compose spec)": (
        lambda c: services(c)["api"]["depends_on"].update(redis={"condition": "service_ready"}),
        "unknown variant `service_ready`",
    ),
    "no restart policy": (lambda c: services(c)["worker-retrieval"].pop("restart"), "no restart policy"),
}


@pytest.mark.parametrize("name", list(MUTATIONS))
def test_checker_reports_a_broken_compose(compose: Compose, name: str) -> None:
    mutate, expected = MUTATIONS[name]
    broken = copy.deepcopy(compose)
    mutate(broken)
    problems = check_compose(broken, REPO)
    assert any(expected in p for p in problems), problems


def test_checker_reads_env_example(compose: Compose, tmp_path: Path) -> None:
    """A variable documented nowhere, and a secret given a value in .env.example, are both reported."""
    for name in ("Dockerfile", ".dockerignore", "docker-compose.yml"):
        shutil.copy(REPO / name, tmp_path / name)
    shutil.copytree(REPO / "deploy", tmp_path / "deploy")
    (tmp_path / "frontend").mkdir()
    example = (REPO / ".env.example").read_text()
    (tmp_path / ".env.example").write_text(example.replace("TEMPORAL_DB_PASSWORD=\n", "JWT_SECRET=hunter2\n"))
    problems = check_compose(compose, tmp_path)
    assert any("${TEMPORAL_DB_PASSWORD} is neither" in p for p in problems), problems
    assert any(".env.example gives JWT_SECRET a value" in p for p in problems), problems


def test_dockerignore_must_exclude_env() -> None:
    assert check_dockerignore((REPO / ".dockerignore").read_text()) == []
    assert check_dockerignore(".venv\n.git\n") == [".dockerignore does not exclude .env (secrets)"]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("FROM python:3.11-slim", None),
        ("FROM python", "has no tag"),
        ("FROM --platform=linux/amd64 node:latest", "is `latest`"),
        ("FROM node:20-bookworm-slim", "floating tag"),
    ],
)
def test_dockerfile_pinning(line: str, expected: str | None) -> None:
    problems = dockerfile_problems(f"{line} AS web\nFROM web AS final\n")  # a stage may name an earlier one
    assert (problems == []) if expected is None else any(expected in p for p in problems), problems


def test_image_and_port_parsing() -> None:
    assert image_problem("registry.local:5000/talentsync") is not None  # a registry port is not a tag
    assert image_problem("pgvector/pgvector:0.8.0-pg17") is None
    assert image_problem("redis@sha256:" + "0" * 64) is None
    assert parse_port("127.0.0.1:8080:8080") == ("127.0.0.1", 8080, 8080, "tcp")
    assert parse_port("80:80/udp") == ("", 80, 80, "udp")
    assert parse_port({"target": 80, "published": 8081, "host_ip": "127.0.0.1"}) == ("127.0.0.1", 8081, 80, "tcp")
    assert "not a number" in str(parse_port("8000-8010:8000-8010"))
