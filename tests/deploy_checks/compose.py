"""Checks of docker-compose.yml as parsed: each returns human-readable problems (empty = fine).

`check_compose(compose, root)` runs them all; `root` is the directory compose resolves paths from.
A service is a one-shot job when it says `restart: "no"`; every service must say its restart policy,
so a long-running one cannot be mistaken for a job (or stay dead after a crash: worker.py exits
non-zero on purpose so that its supervisor restarts it).
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from tests.deploy_checks.common import (
    INTERPOLATION,
    URL_PASSWORD,
    dockerfile_problems,
    env_file_names,
    image_problem,
    is_secret_name,
    search_attributes,
    secret_settings,
    settings_env_names,
    task_queue_roles,
)

LONG_RUNNING_RESTART = {"always", "unless-stopped"}
# Servers whose port must never be reachable from other machines (no auth, or data inside).
INTERNAL_IMAGES = ("postgres", "pgvector", "redis", "valkey", "temporalio/server", "temporalio/auto-setup")


def load_compose(path: Path) -> dict[str, Any]:
    with path.open() as f:
        data = yaml.safe_load(f)
    if not isinstance(data, dict) or not isinstance(data.get("services"), dict):
        raise ValueError(f"{path}: no `services:` mapping")
    return data


def walk_strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from walk_strings(k)
            yield from walk_strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from walk_strings(v)


def as_argv(command: Any) -> list[str]:
    if command is None:
        return []
    if isinstance(command, str):
        return shlex.split(command)
    return [str(c) for c in command]


def environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        return {k: v for k, _, v in (item.partition("=") for item in env)}
    return {str(k): "" if v is None else str(v) for k, v in env.items()}


def depends_on(service: dict[str, Any]) -> dict[str, str]:
    deps = service.get("depends_on") or {}
    if isinstance(deps, list):
        return dict.fromkeys(deps, "service_started")
    return {name: (spec or {}).get("condition", "service_started") for name, spec in deps.items()}


def is_one_shot(service: dict[str, Any]) -> bool:
    return str(service.get("restart")) == "no"


def bind_mounts(service: dict[str, Any]) -> list[tuple[str, str]]:
    """(source, target) of each bind mount: a short-syntax source that is a path, or type: bind."""
    mounts = []
    for vol in service.get("volumes") or []:
        if isinstance(vol, str):
            parts = vol.split(":")
            if len(parts) >= 2 and parts[0].startswith((".", "/", "~")):
                mounts.append((parts[0], parts[1]))
        elif isinstance(vol, dict) and vol.get("type") == "bind":
            mounts.append((str(vol.get("source", "")), str(vol.get("target", ""))))
    return mounts


def job_text(service: dict[str, Any], root: Path) -> str:
    """What a job runs: its entrypoint and command, plus any script it mounts from the repository."""
    text = " ".join(as_argv(service.get("entrypoint")) + as_argv(service.get("command")))
    for source, _ in bind_mounts(service):
        path = (root / source).resolve()
        if path.is_file():
            text += "\n" + path.read_text()
    return text


def check_files(services: dict[str, Any], root: Path) -> list[str]:
    problems = []
    for name, svc in services.items():
        build = svc.get("build")
        if build is not None:
            spec = {"context": build} if isinstance(build, str) else build
            context = root / str(spec.get("context", "."))
            dockerfile = context / str(spec.get("dockerfile", "Dockerfile"))
            if not context.is_dir():
                problems.append(f"{name}: build context {spec.get('context')!r} does not exist")
            elif not dockerfile.is_file():
                problems.append(f"{name}: Dockerfile {spec.get('dockerfile', 'Dockerfile')!r} does not exist")
            else:
                problems += [f"{name}: {p}" for p in dockerfile_problems(dockerfile.read_text())]
        for source, _ in bind_mounts(svc):
            if not (root / source).exists():
                problems.append(f"{name}: bind-mounted {source!r} does not exist")
    return problems


def check_images(services: dict[str, Any]) -> list[str]:
    problems = []
    for name, svc in services.items():
        image, built = svc.get("image"), "build" in svc
        if image is None and not built:
            problems.append(f"{name}: neither image nor build")
        elif image is not None:
            problem = image_problem(str(image), built_here=built)
            if problem:
                problems.append(f"{name}: {problem}")
    return problems


def check_variables(compose: dict[str, Any], root: Path) -> list[str]:
    """Every ${VAR} is a Settings field or documented in .env.example; secrets are required, never defaulted."""
    problems = []
    example = root / ".env.example"
    documented = env_file_names(example.read_text()) if example.is_file() else {}
    known = settings_env_names()
    seen: set[str] = set()
    for text in walk_strings(compose):
        for var, op, _ in INTERPOLATION.findall(text):
            if var not in known and var not in documented and var not in seen:
                problems.append(f"${{{var}}} is neither a Settings field nor documented in .env.example")
            seen.add(var)
            if is_secret_name(var) and op not in ("?", ":?"):
                problems.append(f"secret ${{{var}}} must be required (${{{var}:?message}}), not {op or 'optional'}")
    for var in seen:
        if is_secret_name(var) and documented.get(var):
            problems.append(f".env.example gives {var} a value: secrets are left empty there")
    return problems


def required_interpolation(value: str) -> bool:
    match = INTERPOLATION.fullmatch(value.strip())
    return bool(match and match.group(2) in ("?", ":?"))


def check_secret_values(services: dict[str, Any]) -> list[str]:
    """A secret-named key is set from a required variable, and no URL carries a literal password."""
    problems = []
    for name, svc in services.items():
        for key, value in environment(svc).items():
            if is_secret_name(key) and value and not required_interpolation(value):
                problems.append(f"{name}: {key} is a literal or defaulted value; use ${{VAR:?message}}")
            for password in URL_PASSWORD.findall(value):
                if not required_interpolation(password):
                    problems.append(f"{name}: {key} embeds a literal password; use ${{VAR:?message}}")
    return problems


def parse_port(spec: Any) -> tuple[str, int | None, int, str] | str:
    """(host_ip, published, target, protocol) of one port mapping, or why it is not sane."""
    if isinstance(spec, dict):
        ip, published = str(spec.get("host_ip", "")), spec.get("published")
        target, proto = spec.get("target"), str(spec.get("protocol", "tcp"))
    else:
        text, _, proto = str(spec).partition("/")
        proto = proto or "tcp"
        parts = text.rsplit(":", 2)
        ip, published, target = ("", None, parts[0]) if len(parts) == 1 else ("", *parts) if len(parts) == 2 else parts
    try:
        port_numbers = [int(target)] + ([int(published)] if published not in (None, "") else [])
    except (TypeError, ValueError):
        return f"port {spec!r} is not a number (ranges are not used here)"
    if not all(1 <= p <= 65535 for p in port_numbers):
        return f"port {spec!r} is outside 1-65535"
    if proto not in ("tcp", "udp"):
        return f"port {spec!r} has protocol {proto!r}"
    return ip.strip("[]"), (int(published) if published not in (None, "") else None), int(target), proto


ALL_INTERFACES = {"", "0.0.0.0", "::"}  # compared against, never bound


def check_ports(services: dict[str, Any]) -> list[str]:
    problems = []
    taken: list[tuple[str, int, str, str]] = []
    for name, svc in services.items():
        for spec in svc.get("ports") or []:
            parsed = parse_port(spec)
            if isinstance(parsed, str):
                problems.append(f"{name}: {parsed}")
                continue
            ip, published, _, proto = parsed
            if published is None:
                problems.append(f"{name}: port {spec!r} publishes a random host port")
                continue
            for other_ip, other_port, other_proto, other in taken:
                overlap = ip == other_ip or ip in ALL_INTERFACES or other_ip in ALL_INTERFACES
                if (other_port, other_proto) == (published, proto) and overlap:
                    problems.append(f"{name}: host port {published}/{proto} is already published by {other}")
            taken.append((ip, published, proto, name))
            image = str(svc.get("image", ""))
            if image.startswith(INTERNAL_IMAGES) and ip not in ("127.0.0.1", "::1", "localhost"):
                problems.append(f"{name}: {image} port {published} is published on every interface")
        if name.startswith("worker-") and svc.get("ports"):
            problems.append(f"{name}: a worker publishes a host port, so it cannot be scaled out")
    return problems


def check_dependencies(services: dict[str, Any]) -> list[str]:
    problems = []
    for name, svc in services.items():
        restart = str(svc.get("restart"))
        if "restart" not in svc:
            problems.append(f'{name}: no restart policy (say `"no"` for a one-shot job, `unless-stopped` otherwise)')
        elif restart != "no" and restart not in LONG_RUNNING_RESTART and not restart.startswith("on-failure"):
            problems.append(f"{name}: restart {restart!r} is not a known policy")
        for dep, condition in depends_on(svc).items():
            target = services.get(dep)
            if target is None:
                problems.append(f"{name}: depends on {dep!r}, which is not a service")
            elif is_one_shot(target):
                if condition != "service_completed_successfully":
                    problems.append(
                        f"{name}: waits for job {dep!r} with {condition}; use service_completed_successfully"
                    )
            else:
                if condition != "service_healthy":
                    problems.append(f"{name}: waits for {dep!r} with {condition}; use service_healthy")
                health = target.get("healthcheck")
                if not health or health.get("disable") or not health.get("test"):
                    problems.append(f"{name}: depends on {dep!r}, which has no healthcheck")
    return problems


def runs_worker(svc: dict[str, Any]) -> list[str] | None:
    """The --queues roles of a service that runs worker.py (all roles when it gives none)."""
    argv = as_argv(svc.get("command"))
    if not any(a.endswith("worker.py") for a in argv):
        return None
    if "--queues" not in argv or argv.index("--queues") + 1 >= len(argv):
        return list(task_queue_roles())
    return [q.strip() for q in argv[argv.index("--queues") + 1].split(",") if q.strip()]


def check_roles(services: dict[str, Any]) -> list[str]:
    problems = []
    for role in task_queue_roles():
        svc = services.get(f"worker-{role}")
        if svc is None:
            problems.append(f"no worker-{role} service for the {role!r} task queue")
        elif runs_worker(svc) != [role]:
            problems.append(f"worker-{role} must run `worker.py --queues {role}`, not {as_argv(svc.get('command'))}")
    for name, svc in services.items():
        queues = runs_worker(svc)
        if queues is not None and not name.startswith("worker-"):
            problems.append(f"{name}: runs worker.py for {queues}; give each role its own worker-<role> service")
        for queue in queues or []:
            if queue not in task_queue_roles():
                problems.append(f"{name}: unknown task queue {queue!r}")
    return problems


def app_services(services: dict[str, Any]) -> list[str]:
    return [n for n in services if n == "api" or runs_worker(services[n]) is not None]


def check_jobs(services: dict[str, Any], root: Path) -> list[str]:
    """Migrations and Temporal's setup are one-shot jobs that the API and every worker wait for."""
    problems = []
    texts = {n: job_text(s, root) for n, s in services.items() if is_one_shot(s)}
    migrate = [n for n, t in texts.items() if "talentsync.seed" in t or "alembic upgrade" in t]
    if not migrate:
        problems.append('no one-shot job (restart: "no") runs the migrations (python -m talentsync.seed)')
    schema = [n for n, t in texts.items() if "temporal-sql-tool" in t and "update-schema" in t]
    servers = [n for n, s in services.items() if str(s.get("image", "")).startswith("temporalio/server")]
    for server in servers:
        if not any(depends_on(services[server]).get(j) == "service_completed_successfully" for j in schema):
            problems.append(f"{server}: Temporal's database schema is not set up by a job it waits for")
    setup = []
    for job, text in texts.items():
        if "search-attribute create" not in text:
            continue
        if re.search(r"search-attribute create[^\n]*\|\|\s*true", text):
            problems.append(f"{job}: `|| true` hides a failed search-attribute registration")
        missing = [a for a, kind in search_attributes().items() if not re.search(rf"\b{a}\b[^\n]*\b{kind}\b", text)]
        if missing:
            problems.append(f"{job}: does not register search attribute(s) {missing}")
        else:
            setup.append(job)
    if not setup:
        problems.append(f"no one-shot job registers the search attributes {search_attributes()}")
    for name in app_services(services):
        deps = depends_on(services[name])
        for kind, jobs in (("migration", migrate), ("Temporal setup", setup)):
            if jobs and not any(deps.get(j) == "service_completed_successfully" for j in jobs):
                problems.append(f"{name}: does not wait for the {kind} job ({', '.join(jobs)})")
    return problems


def check_app_environment(services: dict[str, Any]) -> list[str]:
    """Keys given to the app are Settings fields: a misspelt one is silently ignored (extra="ignore")."""
    known = settings_env_names()
    problems = []
    for name in app_services(services) + [n for n, s in services.items() if "build" in s]:
        for key in environment(services[name]):
            if key not in known:
                problems.append(f"{name}: {key} is not a Settings field, so the app ignores it")
    return sorted(set(problems))


def check_secret_settings_wired(services: dict[str, Any]) -> list[str]:
    """Every secret setting (JWT, admin password, each cloud key) reaches the API and every worker,
    so a cloud backend someone configured in .env is not silently missing from one role."""
    problems = []
    for name in app_services(services):
        missing = sorted(secret_settings() - set(environment(services[name])))
        if missing:
            problems.append(f"{name}: secret setting(s) {missing} are not passed in")
    return problems


def check_spec(compose: dict[str, Any]) -> list[str]:
    """The Compose specification itself, through an independent typed parser (the `compose_spec`
    Rust crate's bindings): unknown keys, wrong enum values, unparsable ports, undefined volumes.
    It gets JSON because it does not expand YAML merge keys; PyYAML already has."""
    from compose_spec import PyCompose

    try:
        PyCompose.from_json(json.dumps(compose)).validate()
    except ValueError as error:
        return [f"Compose specification: {error}"]
    return []


def check_dockerignore(text: str) -> list[str]:
    """`COPY . .` must not bake the compose secrets (.env) into an image layer."""
    entries = {line.strip().lstrip("/") for line in text.splitlines()}
    return [] if {".env", ".env*", "*.env"} & entries else [".dockerignore does not exclude .env (secrets)"]


def check_compose(compose: dict[str, Any], root: Path) -> list[str]:
    services = compose["services"]
    problems = (
        check_spec(compose)
        + check_files(services, root)
        + check_images(services)
        + check_variables(compose, root)
        + check_secret_values(services)
        + check_ports(services)
        + check_dependencies(services)
        + check_roles(services)
        + check_jobs(services, root)
        + check_app_environment(services)
        + check_secret_settings_wired(services)
    )
    ignore = root / ".dockerignore"
    problems += check_dockerignore(ignore.read_text() if ignore.is_file() else "")
    return list(dict.fromkeys(problems))  # merged YAML anchors repeat the same finding per service
