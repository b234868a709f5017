"""deploy/k8s/, checked without a cluster: Kubernetes schemas (kubernetes-validate, strict), a KEDA
ScaledObject schema written from KEDA's docs, and the manifests held against the code.

The repository's manifests must pass; each mutation breaks one thing the way a real edit would, and
the checker must name it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.deploy_checks.k8s import K8S_DIR, check_k8s, keda_validator, load_manifests, quantity

Files = list[tuple[str, dict[str, Any]]]


@pytest.fixture(scope="module")
def files() -> Files:
    return load_manifests()


def test_repository_manifests_pass(files: Files) -> None:
    assert check_k8s(files) == []


def test_every_role_and_kind_is_there(files: Files) -> None:
    kinds = {(d["kind"], d["metadata"]["name"]) for _, d in files}
    for role in ("interview", "retrieval", "ml", "transcription", "feedback"):
        assert ("Deployment", f"worker-{role}") in kinds
        assert ("ScaledObject", f"worker-{role}") in kinds
    for expected in [
        ("Namespace", "talentsync"),
        ("ConfigMap", "talentsync-config"),
        ("Deployment", "api"),
        ("Service", "api"),
        ("Ingress", "talentsync"),
        ("Job", "talentsync-migrate"),
        ("Job", "temporal-setup"),
        ("PersistentVolumeClaim", "talentsync-media"),
    ]:
        assert expected in kinds


def find(files: Files, kind: str, name: str) -> dict[str, Any]:
    return next(d for _, d in files if d["kind"] == kind and d["metadata"]["name"] == name)


def container(files: Files, name: str, index: int = 0) -> dict[str, Any]:
    return find(files, "Deployment", name)["spec"]["template"]["spec"]["containers"][index]


def trigger_meta(files: Files, name: str) -> dict[str, Any]:
    return find(files, "ScaledObject", name)["spec"]["triggers"][0]["metadata"]


MUTATIONS: dict[str, tuple[Callable[[Files], None], str]] = {
    "deployment without resources": (
        lambda f: container(f, "worker-ml").pop("resources"),
        "Deployment/worker-ml/worker: no cpu request and limit",
    ),
    "limit below request": (
        lambda f: container(f, "api")["resources"]["limits"].update(memory="128Mi"),
        "memory limit below its request",
    ),
    "bad probe port": (
        lambda f: container(f, "api")["readinessProbe"]["httpGet"].update(port=8080),
        "readinessProbe targets a port the container does not declare",
    ),
    "probe on the wrong path": (
        lambda f: container(f, "api")["livenessProbe"]["httpGet"].update(path="/health"),
        "livenessProbe must GET /api/health",
    ),
    "worker probe off the metrics port": (
        lambda f: container(f, "worker-feedback")["ports"][0].update(containerPort=9000),
        "worker-feedback: readinessProbe must GET /metrics on WORKER_METRICS_PORT (9464)",
    ),
    "metrics on loopback": (
        lambda f: find(f, "ConfigMap", "talentsync-config")["data"].update(WORKER_METRICS_HOST="127.0.0.1"),
        "WORKER_METRICS_HOST must be 0.0.0.0",
    ),
    "secret value inlined": (
        lambda f: container(f, "api")["env"].__setitem__(0, {"name": "DATABASE_URL", "value": "postgresql://u:p@db/x"}),
        "Deployment/api/api: DATABASE_URL is inlined",
    ),
    "secret in the ConfigMap": (
        lambda f: find(f, "ConfigMap", "talentsync-config")["data"].update(JWT_SECRET="x" * 40),
        "JWT_SECRET is a secret",
    ),
    "committed Secret": (
        lambda f: f.append(
            (
                "secret.yaml",
                {
                    "apiVersion": "v1",
                    "kind": "Secret",
                    "metadata": {"name": "talentsync-secrets", "namespace": "talentsync"},
                    "stringData": {"JWT_SECRET": "x"},
                },
            )
        ),
        "a Secret is committed",
    ),
    "undocumented secret key": (
        lambda f: container(f, "api")["env"].append(
            {
                "name": "OPENAI_BASE_URL",
                "valueFrom": {"secretKeyRef": {"name": "talentsync-secrets", "key": "OPENAI_BASE_URL"}},
            }
        ),
        "Secret key OPENAI_BASE_URL is not documented",
    ),
    "cloud key not passed": (
        lambda f: container(f, "worker-transcription")["env"].pop(),
        "secret setting(s) ['ASSEMBLYAI_API_KEY'] are not passed in",
    ),
    "misspelt setting in the ConfigMap": (
        lambda f: find(f, "ConfigMap", "talentsync-config")["data"].update(TEMPORAL_ADRESS="x:7233"),
        "['TEMPORAL_ADRESS'] are not Settings fields",
    ),
    "unknown field (strict schema)": (
        lambda f: container(f, "api")["ports"][0].update(containerport=8000),
        "Kubernetes 1.29 schema",
    ),
    "wrong type (schema)": (
        lambda f: find(f, "HorizontalPodAutoscaler", "api")["spec"].update(minReplicas="two"),
        "'two' is not of type 'integer'",
    ),
    "unpinned image": (
        lambda f: find(f, "Job", "temporal-setup")["spec"]["template"]["spec"]["containers"][0].update(
            image="temporalio/admin-tools:latest"
        ),
        "is `latest`",
    ),
    "root container": (
        lambda f: find(f, "Job", "talentsync-migrate")["spec"]["template"]["spec"].pop("securityContext"),
        "runAsNonRoot is not set",
    ),
    "missing worker role": (
        lambda f: f.remove(
            next(x for x in f if x[1]["kind"] == "Deployment" and x[1]["metadata"]["name"] == "worker-ml")
        ),
        "no worker-ml Deployment",
    ),
    "role runs two queues": (
        lambda f: container(f, "worker-ml").update(command=["python", "worker.py", "--queues", "ml,feedback"]),
        "worker-ml: must run `worker.py --queues ml`",
    ),
    "scaler on the wrong queue": (
        lambda f: trigger_meta(f, "worker-retrieval").update(taskQueue="ml"),
        "but polls 'retrieval'",
    ),
    "scaler blind to activities": (
        lambda f: trigger_meta(f, "worker-transcription").update(queueTypes="workflow"),
        "misses ['activity']",
    ),
    "scaler number not a string (KEDA schema)": (
        lambda f: trigger_meta(f, "worker-ml").update(targetQueueSize=3),
        "KEDA schema: spec.triggers.0.metadata.targetQueueSize",
    ),
    "scaler field misspelt (KEDA schema)": (
        lambda f: trigger_meta(f, "worker-ml").update(taskqueue="ml"),
        "Additional properties are not allowed ('taskqueue' was unexpected)",
    ),
    "scaler without endpoint (KEDA schema)": (
        lambda f: trigger_meta(f, "worker-ml").pop("endpointFromEnv"),
        "KEDA schema: spec.triggers.0.metadata",
    ),
    "fallback with a cpu trigger (KEDA schema)": (
        lambda f: find(f, "ScaledObject", "worker-ml")["spec"]["triggers"].append(
            {"type": "cpu", "metricType": "Utilization", "metadata": {"value": "80"}}
        ),
        "KEDA schema: spec.triggers.1.type",
    ),
    "replicas on an autoscaled deployment": (
        lambda f: find(f, "Deployment", "worker-ml")["spec"].update(replicas=1),
        "worker-ml: sets replicas",
    ),
    "no wait for migrations": (
        lambda f: find(f, "Deployment", "api")["spec"]["template"]["spec"].pop("initContainers"),
        "api: no init container waits for the migrations",
    ),
    "service selects nothing it can reach": (
        lambda f: find(f, "Service", "api")["spec"]["ports"][0].update(targetPort="web"),
        "targetPort web is not a port of the api container",
    ),
    "ingress to a missing service": (
        lambda f: find(f, "Ingress", "talentsync")["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"].update(
            name="web"
        ),
        "is not a Service port",
    ),
    "shared volume not ReadWriteMany": (
        lambda f: find(f, "PersistentVolumeClaim", "talentsync-media")["spec"].update(accessModes=["ReadWriteOnce"]),
        "not ReadWriteMany",
    ),
    "search attribute failure hidden": (
        lambda f: find(f, "Job", "temporal-setup")["spec"]["template"]["spec"]["containers"][0].update(
            command=[
                "sh",
                "-c",
                "temporal operator search-attribute create --name InterviewStatus --type Keyword || true",
            ]
        ),
        "`|| true` hides a failed search-attribute registration",
    ),
    "wrong namespace": (
        lambda f: find(f, "Service", "api")["metadata"].update(namespace="default"),
        "Service/api: not in namespace talentsync",
    ),
}


@pytest.mark.parametrize("name", list(MUTATIONS))
def test_checker_reports_broken_manifests(files: Files, name: str) -> None:
    mutate, expected = MUTATIONS[name]
    broken = copy.deepcopy(files)
    mutate(broken)
    problems = check_k8s(broken)
    assert any(expected in p for p in problems), problems


def test_kustomization_lists_every_file(tmp_path: Path) -> None:
    for path in K8S_DIR.iterdir():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / "extra.yaml").write_text((K8S_DIR / "namespace.yaml").read_text())
    problems = check_k8s(load_manifests(tmp_path), tmp_path)
    assert "extra.yaml is not in kustomization.yaml, so `kubectl apply -k` skips it" in problems


def test_keda_schema_accepts_the_documented_example() -> None:
    """The Temporal scaler example from KEDA's docs (2.22) must pass the hand-written schema."""
    example = {
        "apiVersion": "keda.sh/v1alpha1",
        "kind": "ScaledObject",
        "metadata": {"name": "workload-scaledobject", "namespace": "default"},
        "spec": {
            "scaleTargetRef": {"name": "my-worker"},
            "pollingInterval": 5,
            "cooldownPeriod": 10,
            "minReplicaCount": 0,
            "maxReplicaCount": 5,
            "advanced": {
                "horizontalPodAutoscalerConfig": {"behavior": {"scaleDown": {"stabilizationWindowSeconds": 10}}}
            },
            "triggers": [
                {
                    "type": "temporal",
                    "metadata": {
                        "namespace": "default",
                        "taskQueue": "workflow_with_single_noop_activity:test",
                        "targetQueueSize": "2",
                        "activationTargetQueueSize": "0",
                        "endpoint": "temporal-frontend.temporal.svc.cluster.local:7233",
                    },
                    "authenticationRef": {"name": "keda-trigger-auth-temporal"},
                }
            ],
        },
    }
    assert list(keda_validator().iter_errors(example)) == []


def test_quantities() -> None:
    assert quantity("100m") == pytest.approx(0.1)
    assert quantity("1536Mi") == 1536 * 2**20
    assert quantity(2) == 2
    assert quantity("lots") is None
