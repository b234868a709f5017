"""Checks of deploy/k8s/*.yaml as parsed: each returns human-readable problems (empty = fine).

Core kinds are validated against the Kubernetes JSON schemas that `kubernetes-validate` ships (strict:
an unknown field is an error, so a misspelt key cannot be silently dropped by the API server's
pruning); KEDA's ScaledObject against keda_scaledobject.schema.json, written from KEDA's docs.
The rest holds the manifests against the code: settings, roles, ports, the Secret's documented keys.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from tests.deploy_checks.common import (
    REPO,
    URL_PASSWORD,
    image_problem,
    is_secret_name,
    search_attributes,
    secret_settings,
    settings_env_names,
    task_queue_roles,
)

Doc = dict[str, Any]
K8S_DIR = REPO / "deploy" / "k8s"
# An old and a recent minor: the manifests must be valid on both.
K8S_VERSIONS = ("1.29", "1.33")
NAMESPACE = "talentsync"
SECRET_NAME = "talentsync-secrets"
CONFIG_NAME = "talentsync-config"
APP_IMAGE = "talentsync"
# Settings that carry credentials without a secret-looking name.
CREDENTIAL_SETTINGS = {"DATABASE_URL", "REDIS_URL"}
# Roles whose workers host workflows, so their queue has workflow tasks too (see worker.py).
WORKFLOW_ROLES = {"interview", "ml"}
WORKLOAD_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "Job"}


def load_manifests(directory: Path = K8S_DIR) -> list[tuple[str, Doc]]:
    docs = []
    for path in sorted(directory.glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        for doc in yaml.safe_load_all(path.read_text()):
            if doc:
                docs.append((path.name, doc))
    return docs


def ident(doc: Doc) -> str:
    return f"{doc.get('kind')}/{doc.get('metadata', {}).get('name')}"


def of_kind(docs: list[Doc], kind: str) -> dict[str, Doc]:
    return {d["metadata"]["name"]: d for d in docs if d.get("kind") == kind}


def pod_spec(doc: Doc) -> Doc | None:
    if doc.get("kind") in WORKLOAD_KINDS:
        return doc["spec"]["template"]["spec"]
    return None


def containers(spec: Doc) -> Iterator[Doc]:
    yield from spec.get("initContainers") or []
    yield from spec.get("containers") or []


def argv(container: Doc) -> list[str]:
    return [str(a) for a in (container.get("command") or []) + (container.get("args") or [])]


@cache
def keda_validator() -> jsonschema.protocols.Validator:
    schema = json.loads((Path(__file__).parent / "keda_scaledobject.schema.json").read_text())
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


@cache
def k8s_schema_problem(doc_json: str, version: str) -> str | None:
    """kubernetes-validate's verdict on one document, cached: it re-reads ~1 MB of schema per call,
    and the mutation tests re-check the same unchanged documents many times."""
    import kubernetes_validate

    try:
        kubernetes_validate.validate(json.loads(doc_json), version, strict=True)
    except kubernetes_validate.ValidationError as error:
        where = ".".join(str(p) for p in error.path)
        return f"Kubernetes {version} schema: {where}: {error.message}"
    except kubernetes_validate.SchemaNotFoundError as error:
        return str(error.message)
    return None


def check_schemas(files: list[tuple[str, Doc]]) -> list[str]:
    problems = []
    for name, doc in files:
        if str(doc.get("apiVersion", "")).startswith("keda.sh/"):
            for error in keda_validator().iter_errors(doc):
                where = ".".join(str(p) for p in error.absolute_path)
                problems.append(f"{name} {ident(doc)}: KEDA schema: {where}: {error.message}")
            continue
        for version in K8S_VERSIONS:
            problem = k8s_schema_problem(json.dumps(doc, sort_keys=True), version)
            if problem:
                problems.append(f"{name} {ident(doc)}: {problem}")
    return problems


def check_kustomization(directory: Path) -> list[str]:
    kustomization = yaml.safe_load((directory / "kustomization.yaml").read_text())
    listed = set(kustomization.get("resources") or [])
    files = {p.name for p in directory.glob("*.yaml")} - {"kustomization.yaml"}
    problems = [f"kustomization.yaml lists {r}, which does not exist" for r in sorted(listed - files)]
    problems += [f"{f} is not in kustomization.yaml, so `kubectl apply -k` skips it" for f in sorted(files - listed)]
    return problems


def check_namespaces(docs: list[Doc]) -> list[str]:
    problems = [] if NAMESPACE in of_kind(docs, "Namespace") else [f"no Namespace {NAMESPACE}"]
    for doc in docs:
        if doc.get("kind") != "Namespace" and doc["metadata"].get("namespace") != NAMESPACE:
            problems.append(f"{ident(doc)}: not in namespace {NAMESPACE}")
    return problems


def config_data(docs: list[Doc]) -> dict[str, str]:
    config = of_kind(docs, "ConfigMap").get(CONFIG_NAME)
    return {str(k): str(v) for k, v in (config or {}).get("data", {}).items()}


def env_of(container: Doc, config: dict[str, str]) -> dict[str, Doc]:
    """Name -> source ({"value": ...} or {"secretKeyRef": ...}) of each variable a container gets."""
    env: dict[str, Doc] = {}
    for source in container.get("envFrom") or []:
        if (source.get("configMapRef") or {}).get("name") == CONFIG_NAME:
            env.update({k: {"value": v} for k, v in config.items()})
        elif "secretRef" in source:
            env.update({"*": {"secretRef": source["secretRef"]}})
    for var in container.get("env") or []:
        if "value" in var:
            env[var["name"]] = {"value": str(var["value"])}
        else:
            env[var["name"]] = var.get("valueFrom") or {}
    return env


def is_app(container: Doc) -> bool:
    return str(container.get("image", "")).split(":")[0] == APP_IMAGE


def check_secrets(docs: list[Doc], readme: str) -> list[str]:
    """No secret value in the repository: only references to the documented, hand-made Secret."""
    problems = [f"{ident(d)}: a Secret is committed; create it by hand (README)" for d in docs if d["kind"] == "Secret"]
    config = config_data(docs)
    for key, value in config.items():
        if is_secret_name(key) or key in CREDENTIAL_SETTINGS or URL_PASSWORD.search(value):
            problems.append(f"ConfigMap {CONFIG_NAME}: {key} is a secret; reference it from {SECRET_NAME}")
    needed = secret_settings() | CREDENTIAL_SETTINGS
    for doc in docs:
        spec = pod_spec(doc)
        for container in containers(spec) if spec else []:
            env = env_of(container, config)
            if "*" in env:
                problems.append(f"{ident(doc)}/{container['name']}: envFrom secretRef; reference each key instead")
            for name, source in env.items():
                ref = source.get("secretKeyRef")
                if ref is not None:
                    if ref.get("name") != SECRET_NAME:
                        problems.append(f"{ident(doc)}/{container['name']}: {name} from Secret {ref.get('name')}")
                    elif f"`{ref.get('key')}`" not in readme:
                        problems.append(f"{ident(doc)}: Secret key {ref.get('key')} is not documented in README.md")
                elif name in needed or is_secret_name(name) or URL_PASSWORD.search(source.get("value", "")):
                    problems.append(f"{ident(doc)}/{container['name']}: {name} is inlined; use a secretKeyRef")
            if is_app(container):
                missing = sorted(needed - env.keys())
                if missing:
                    problems.append(f"{ident(doc)}/{container['name']}: secret setting(s) {missing} are not passed in")
                unknown = sorted(set(env) - settings_env_names())
                if unknown:
                    problems.append(f"{ident(doc)}/{container['name']}: {unknown} are not Settings fields")
    return problems


QUANTITY = re.compile(r"^([0-9.]+)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$")
UNITS = {
    None: 1,
    "m": 1e-3,
    "k": 1e3,
    "M": 1e6,
    "G": 1e9,
    "T": 1e12,
    "Ki": 2**10,
    "Mi": 2**20,
    "Gi": 2**30,
    "Ti": 2**40,
}


def quantity(value: Any) -> float | None:
    match = QUANTITY.match(str(value))
    return float(match.group(1)) * UNITS[match.group(2)] if match else None


def check_resources(name: str, container: Doc) -> list[str]:
    resources = container.get("resources") or {}
    problems = []
    for resource in ("cpu", "memory"):
        request = quantity((resources.get("requests") or {}).get(resource))
        limit = quantity((resources.get("limits") or {}).get(resource))
        if request is None or limit is None:
            problems.append(f"{name}: no {resource} request and limit")
        elif limit < request:
            problems.append(f"{name}: {resource} limit below its request")
    return problems


def check_security(name: str, spec: Doc, container: Doc) -> list[str]:
    """What the namespace's Pod Security `restricted` level demands; a pod failing it is refused."""
    pod, own = spec.get("securityContext") or {}, container.get("securityContext") or {}
    problems = []
    if not (own.get("runAsNonRoot") or pod.get("runAsNonRoot")):
        problems.append(f"{name}: runAsNonRoot is not set")
    seccomp = own.get("seccompProfile") or pod.get("seccompProfile") or {}
    if seccomp.get("type") not in ("RuntimeDefault", "Localhost"):
        problems.append(f"{name}: no RuntimeDefault seccomp profile")
    if own.get("allowPrivilegeEscalation") is not False:
        problems.append(f"{name}: allowPrivilegeEscalation is not false")
    if "ALL" not in ((own.get("capabilities") or {}).get("drop") or []):
        problems.append(f"{name}: capabilities do not drop ALL")
    if own.get("privileged") or spec.get("hostNetwork") or spec.get("hostPID"):
        problems.append(f"{name}: privileged or host namespaces")
    return problems


def probe_port(container: Doc, probe: Doc) -> int | None:
    """The container port a probe reaches, or None when it names no port the container declares."""
    handler = probe.get("httpGet") or probe.get("tcpSocket") or probe.get("grpc")
    if not handler:
        return -1  # exec probe: no port to resolve
    ports = {p.get("name"): p["containerPort"] for p in container.get("ports") or []}
    port = handler.get("port")
    if isinstance(port, str) and not port.isdigit():
        return ports.get(port)
    return int(port) if int(port) in ports.values() else None


def dockerfile_user() -> int | None:
    users = re.findall(r"^USER\s+(\S+)", (REPO / "Dockerfile").read_text(), re.M)
    return int(users[-1]) if users and users[-1].isdigit() else None


def check_workloads(docs: list[Doc]) -> list[str]:
    problems = []
    user = dockerfile_user()
    for doc in docs:
        spec = pod_spec(doc)
        if spec is None:
            continue
        for container in containers(spec):
            name = f"{ident(doc)}/{container['name']}"
            problems += check_resources(name, container)
            problems += check_security(name, spec, container)
            problem = image_problem(str(container.get("image")), built_here=is_app(container))
            if problem:
                problems.append(f"{name}: {problem}")
            if is_app(container) and (spec.get("securityContext") or {}).get("runAsUser") != user:
                problems.append(f"{name}: runAsUser is not the image's USER {user}")
            for kind in ("startupProbe", "readinessProbe", "livenessProbe"):
                probe = container.get(kind)
                if probe is not None and probe_port(container, probe) is None:
                    problems.append(f"{name}: {kind} targets a port the container does not declare")
        if doc["kind"] == "Deployment":
            for container in spec["containers"]:
                for kind in ("readinessProbe", "livenessProbe"):
                    if kind not in container:
                        problems.append(f"{ident(doc)}/{container['name']}: no {kind}")
    return problems


def http_probe(container: Doc, kind: str) -> tuple[str | None, int | None]:
    probe = container.get(kind) or {}
    return (probe.get("httpGet") or {}).get("path"), probe_port(container, probe) if probe else None


def check_api(docs: list[Doc]) -> list[str]:
    problems = []
    api = of_kind(docs, "Deployment").get("api")
    if api is None:
        return ["no api Deployment"]
    container = api["spec"]["template"]["spec"]["containers"][0]
    command = argv(container)
    listen = int(command[command.index("--port") + 1]) if "--port" in command else 8000
    for kind in ("readinessProbe", "livenessProbe"):
        if http_probe(container, kind) != ("/api/health", listen):
            problems.append(f"api: {kind} must GET /api/health on the port uvicorn listens on ({listen})")
    labels = api["spec"]["template"]["metadata"].get("labels") or {}
    services = of_kind(docs, "Service")
    for name, service in services.items():
        selector = service["spec"].get("selector") or {}
        if selector and selector.items() <= labels.items():
            for port in service["spec"]["ports"]:
                target = port.get("targetPort", port["port"])
                if probe_port(container, {"tcpSocket": {"port": target}}) is None:
                    problems.append(f"Service/{name}: targetPort {target} is not a port of the api container")
    for ingress in of_kind(docs, "Ingress").values():
        for rule in ingress["spec"].get("rules") or []:
            for path in (rule.get("http") or {}).get("paths") or []:
                backend = path["backend"]["service"]
                service = services.get(backend["name"])
                names = {p.get("name") for p in service["spec"]["ports"]} if service else set()
                numbers = {p["port"] for p in service["spec"]["ports"]} if service else set()
                if service is None or not (
                    {backend["port"].get("name"), backend["port"].get("number")} & (names | numbers)
                ):
                    problems.append(f"{ident(ingress)}: backend {backend} is not a Service port")
    return problems


def scaled_objects(docs: list[Doc]) -> dict[str, Doc]:
    return {d["spec"]["scaleTargetRef"]["name"]: d for d in docs if d.get("kind") == "ScaledObject"}


def check_roles(docs: list[Doc]) -> list[str]:
    problems = []
    config = config_data(docs)
    deployments = of_kind(docs, "Deployment")
    scaled = scaled_objects(docs)
    metrics_port = int(config.get("WORKER_METRICS_PORT", "9464"))
    if config.get("WORKER_METRICS_HOST") != "0.0.0.0":
        problems.append("ConfigMap: WORKER_METRICS_HOST must be 0.0.0.0, or the kubelet cannot reach /metrics")
    for role in task_queue_roles():
        name = f"worker-{role}"
        deployment = deployments.get(name)
        if deployment is None:
            problems.append(f"no {name} Deployment for the {role!r} task queue")
            continue
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        command = argv(container)
        if "--queues" not in command or command[command.index("--queues") + 1 :][:1] != [role]:
            problems.append(f"{name}: must run `worker.py --queues {role}`, not {command}")
        if http_probe(container, "readinessProbe") != ("/metrics", metrics_port):
            problems.append(f"{name}: readinessProbe must GET /metrics on WORKER_METRICS_PORT ({metrics_port})")
        if probe_port(container, container.get("livenessProbe") or {}) != metrics_port:
            problems.append(f"{name}: livenessProbe must target WORKER_METRICS_PORT ({metrics_port})")
        problems += check_scaler(name, role, scaled.get(name), env_of(container, config), config)
    for name, deployment in deployments.items():
        command = argv(deployment["spec"]["template"]["spec"]["containers"][0])
        if any(a.endswith("worker.py") for a in command) and not name.startswith("worker-"):
            problems.append(f"{name}: runs worker.py; give each role its own worker-<role> Deployment")
    autoscaled = set(scaled) | {
        h["spec"]["scaleTargetRef"]["name"] for h in of_kind(docs, "HorizontalPodAutoscaler").values()
    }
    for target in sorted(autoscaled):
        if target not in deployments:
            problems.append(f"an autoscaler targets {target}, which is not a Deployment here")
        elif "replicas" in deployments[target]["spec"]:
            problems.append(f"{target}: sets replicas, which `kubectl apply` would reset under its autoscaler")
    return problems


def check_scaler(name: str, role: str, scaled: Doc | None, env: dict[str, Doc], config: dict[str, str]) -> list[str]:
    if scaled is None:
        return [f"{name}: no KEDA ScaledObject scales it"]
    spec, problems = scaled["spec"], []
    triggers = [t for t in spec["triggers"] if t.get("type") == "temporal"]
    if not triggers:
        return [f"{name}: its ScaledObject has no temporal trigger"]
    meta = triggers[0]["metadata"]
    expected_queue = config.get("TASK_QUEUE_PREFIX", "") + role
    if meta.get("taskQueue") != expected_queue:
        problems.append(f"{name}: scales on task queue {meta.get('taskQueue')!r}, but polls {expected_queue!r}")
    if meta.get("namespace", "default") != config.get("TEMPORAL_NAMESPACE", "default"):
        problems.append(f"{name}: scales on Temporal namespace {meta.get('namespace')!r}, not TEMPORAL_NAMESPACE")
    endpoint_var = meta.get("endpointFromEnv")
    if endpoint_var and endpoint_var not in env:
        problems.append(f"{name}: endpointFromEnv {endpoint_var} is not in the container's environment")
    if not endpoint_var and meta.get("endpoint") != config.get("TEMPORAL_ADDRESS"):
        problems.append(f"{name}: endpoint {meta.get('endpoint')!r} is not TEMPORAL_ADDRESS")
    types = set(str(meta.get("queueTypes", "workflow")).split(","))
    needed = {"activity", "workflow"} if role in WORKFLOW_ROLES else {"activity"}
    if not needed <= types:
        problems.append(f"{name}: queueTypes {sorted(types)} misses {sorted(needed - types)}: that backlog is not seen")
    low, high = spec.get("minReplicaCount", 0), spec.get("maxReplicaCount", 100)
    if low > high:
        problems.append(f"{name}: minReplicaCount {low} > maxReplicaCount {high}")
    return problems


def check_jobs(docs: list[Doc]) -> list[str]:
    problems = []
    jobs = of_kind(docs, "Job")
    texts = {n: " ".join(" ".join(argv(c)) for c in containers(pod_spec(j) or {})) for n, j in jobs.items()}
    if not any("talentsync.seed" in t for t in texts.values()):
        problems.append("no Job runs the migrations (python -m talentsync.seed)")
    registers = [n for n, t in texts.items() if "search-attribute create" in t]
    if not registers:
        problems.append(f"no Job registers the search attributes {search_attributes()}")
    for job in registers:
        text = texts[job]
        if re.search(r"search-attribute create[^\n]*\|\|\s*true", text):
            problems.append(f"Job/{job}: `|| true` hides a failed search-attribute registration")
        missing = [a for a, kind in search_attributes().items() if not re.search(rf"\b{a}\b[^\n]*\b{kind}\b", text)]
        if missing:
            problems.append(f"Job/{job}: does not register search attribute(s) {missing}")
    for name, deployment in of_kind(docs, "Deployment").items():
        inits = deployment["spec"]["template"]["spec"].get("initContainers") or []
        if not any("alembic current" in " ".join(argv(c)) and "(head)" in " ".join(argv(c)) for c in inits):
            problems.append(f"{name}: no init container waits for the migrations (alembic current at head)")
    return problems


def check_volumes(docs: list[Doc]) -> list[str]:
    problems = []
    claims = of_kind(docs, "PersistentVolumeClaim")
    users: dict[str, list[str]] = {}
    for doc in docs:
        spec = pod_spec(doc)
        for volume in (spec or {}).get("volumes") or []:
            claim = (volume.get("persistentVolumeClaim") or {}).get("claimName")
            if claim:
                users.setdefault(claim, []).append(doc["metadata"]["name"])
    for claim, workloads in users.items():
        if claim not in claims:
            problems.append(f"{workloads}: claim {claim} is not defined here")
        elif len(workloads) > 1 and "ReadWriteMany" not in claims[claim]["spec"].get("accessModes", []):
            problems.append(f"PersistentVolumeClaim/{claim}: shared by {workloads} but not ReadWriteMany")
    return problems


def check_k8s(files: list[tuple[str, Doc]], directory: Path = K8S_DIR) -> list[str]:
    docs = [doc for _, doc in files]
    readme = (directory / "README.md").read_text() if (directory / "README.md").is_file() else ""
    problems = (
        check_kustomization(directory)
        + check_schemas(files)
        + check_namespaces(docs)
        + check_secrets(docs, readme)
        + check_workloads(docs)
        + check_api(docs)
        + check_roles(docs)
        + check_jobs(docs)
        + check_volumes(docs)
    )
    return list(dict.fromkeys(problems))
