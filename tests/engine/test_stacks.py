"""`pulumi up`, `preview`, `refresh` and `destroy` of every stack with the real engine, against the test cluster.

One deployment per stack (a module fixture), the tests in the order a stack lives: created and compared with the
offline render, previewed unchanged, previewed with changes, its state checked for plaintext secrets, its
certificate renewed, refreshed, destroyed. One file: the tests run in one worker, one after the other.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import yaml
from podpatterns.pod.model import Manifest
from podpatterns.settings import SettingsError
from podpatterns.tls.contribution import ROTATION_ANNOTATION

from ..conftest import PROJECT_DIR, STACKS
from ..lib.cluster_targets import with_namespaces
from ..lib.kube import ROLLOUT_TIMEOUT, Kube, delete_namespaces, namespaces, workloads
from ..lib.pulumi_engine import LEAF_CERTIFICATE_TYPE, STACK_ENTRIES, Engine, Project, copy_project
from ..lib.standins.vault import PROD_KV
from .live import deployed_objects, differences, key, kubernetes_urn_keys, rendered_keys, state_resources

PRIVATE_KEY_PEM = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")
VAULT_TOKEN = re.compile(r"\bhv[sbr]\.[A-Za-z0-9_-]{20,}")
SERVICE_ACCOUNT_TOKEN = re.compile(r"eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.")


@dataclass
class Deployment:
    project: Project
    stack: str
    manifests: list[Manifest]
    """The stack's offline render, what `pulumi up` must have created."""
    destroyed: bool = False

    def render(self) -> list[Manifest]:
        return deployed_objects(self.project.directory, self.stack)


@pytest.fixture(scope="module", params=STACKS)
def deployment(
    request: pytest.FixtureRequest, engine: Engine, kube: Kube, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployment]:
    """The stack created by `pulumi up` in a project copy of its own; destroyed afterwards if a test did not."""
    stack = request.param
    project = copy_project(engine, PROJECT_DIR, tmp_path_factory.mktemp(f"engine-{stack}") / "project", STACK_ENTRIES)
    project.stack_init(stack)
    deployed = Deployment(project, stack, [])
    deployed.manifests = deployed.render()
    # The clients' namespaces (prod delivers their certificates there): the cluster's owner makes them, not the stack.
    clients = [n for n in namespaces(with_namespaces(deployed.manifests)) if n not in namespaces(deployed.manifests)]
    if clients:
        kube.apply([{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}} for name in clients])
    try:
        project.run("up", "--stack", stack, "--yes", "--skip-preview")
        yield deployed
    finally:
        if not deployed.destroyed:
            project.run("destroy", "--stack", stack, "--yes", check=False)
        delete_namespaces(kube, clients)


def test_up_creates_what_the_offline_render_shows(deployment: Deployment, kube: Kube) -> None:
    state = deployment.project.export(deployment.stack)
    assert kubernetes_urn_keys(state) == rendered_keys(deployment.manifests)
    problems = []
    for manifest in deployment.manifests:
        kind, namespace, name = key(manifest)
        group = manifest["apiVersion"].rpartition("/")[0]
        where = ["--namespace", namespace] if namespace else []
        live = kube.json("get", f"{kind}.{group}" if group else kind, name, *where)
        problems += [f"{kind} {namespace}/{name}{d}" for d in differences(manifest, live)]
    assert not problems, "\n".join(problems)


def test_rollouts_complete(deployment: Deployment, kube: Kube) -> None:
    for workload in workloads(deployment.manifests):
        kind, namespace, name = key(workload)
        kube.run(
            "rollout", "status", f"{kind.lower()}/{name}", "--namespace", namespace, f"--timeout={ROLLOUT_TIMEOUT}"
        )


def test_second_preview_changes_nothing(deployment: Deployment) -> None:
    done = deployment.project.run("preview", "--stack", deployment.stack, "--diff", "--expect-no-changes", check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def _preview_with(deployment: Deployment, changes: dict[str, Any]) -> subprocess.CompletedProcess[str]:
    """`pulumi preview --json` with `changes` (dotted config paths) set in the stack file, restored afterwards."""
    return _run_with(deployment, changes, "preview", "--json")


def _run_with(deployment: Deployment, changes: dict[str, Any], *command: str) -> subprocess.CompletedProcess[str]:
    """`pulumi <command>` with `changes` (dotted config paths) set in the stack file, restored afterwards."""
    stack_file = deployment.project.stack_file(deployment.stack)
    original = stack_file.read_text()
    try:
        for path, value in changes.items():
            deployment.project.config_set(deployment.stack, path, value)
        return deployment.project.run(*command, "--stack", deployment.stack, check=False)
    finally:
        stack_file.write_text(original)


# pulumi-kubernetes replaces a ConfigMap or a Secret whose data changes (enableConfigMapMutable and
# enableSecretMutable are off by default): with the fixed names the library gives them, delete before create.
REPLACED_ON_CHANGE = {"ConfigMap", "Secret"}


def _rendered_operations(before: list[Manifest], after: list[Manifest]) -> dict[tuple[str, str, str], str]:
    """What the offline renders say must happen to each object: create, update (replace) or delete."""
    old, new = {key(m): m for m in before}, {key(m): m for m in after}
    operations = {k: "create" for k in new.keys() - old.keys()} | {k: "delete" for k in old.keys() - new.keys()}
    changed = {k for k in new.keys() & old.keys() if old[k] != new[k]}
    return operations | {k: "replace" if k[0] in REPLACED_ON_CHANGE else "update" for k in changed}


def _operations(preview: dict[str, Any]) -> dict[tuple[str, str, str], str]:
    """The operation on each Kubernetes object a `pulumi preview --json` would change (other resources by URN)."""
    found = {}
    for step in preview.get("steps", []):
        if step["op"] == "same":
            continue
        state = step.get("newState") or step.get("oldState") or {}
        inputs = state.get("inputs", {})
        is_object = state.get("type", "").startswith("kubernetes:") and "kind" in inputs
        found[key(inputs) if is_object else ("", "", step["urn"])] = step["op"]
    return found


def _expect_rendered_preview(deployment: Deployment, changes: dict[str, Any]) -> dict[tuple[str, str, str], str]:
    """The preview of `changes` does exactly what the offline render of them says: the same operations on the same
    objects, or, when the render refuses the settings, a failed preview with the render's message. Returns the
    operations (empty when refused)."""
    stack_file = deployment.project.stack_file(deployment.stack)
    original = stack_file.read_text()
    try:
        for path, value in changes.items():
            deployment.project.config_set(deployment.stack, path, value)
        changed = deployment.render()
    except SettingsError as error:
        changed, refusal = [], str(error)
    else:
        refusal = ""
    finally:
        stack_file.write_text(original)
    done = _preview_with(deployment, changes)
    if refusal:
        assert done.returncode != 0
        assert refusal in done.stdout + done.stderr, done.stdout + done.stderr
        return {}
    assert done.returncode == 0, done.stdout + done.stderr
    expected = _rendered_operations(deployment.manifests, changed)
    assert expected, f"the offline render shows no change for {changes}"
    assert _operations(json.loads(done.stdout)) == expected
    return expected


def _stack_setting(deployment: Deployment, section: str, name: str) -> Any:
    config = yaml.safe_load(deployment.project.stack_file(deployment.stack).read_text())["config"]
    return config[f"pod-patterns:{section}"].get(name)


def test_node_count_change_previews_as_exactly_the_rendered_update(deployment: Deployment) -> None:
    """Two more nodes (the count of master-eligible nodes stays odd); refused on a single-node Deployment."""
    nodes = int(_stack_setting(deployment, "elasticsearch", "nodes"))
    _expect_rendered_preview(deployment, {"pod-patterns:elasticsearch.nodes": nodes + 2})


def test_pattern_setting_change_previews_as_exactly_the_rendered_update(deployment: Deployment) -> None:
    _expect_rendered_preview(deployment, {"pod-patterns:tls.accessLog": False})


def _scaled(size: str, factor: float) -> str:
    """A byte quantity times `factor`, in its own unit: 20Gi, 2.0 -> 40Gi."""
    number, unit = re.fullmatch(r"(\d+)(\D*)", size).groups()  # type: ignore[union-attr]
    return f"{int(int(number) * factor)}{unit}"


def test_storage_size_changes_grow_the_claims_in_place_and_a_shrink_is_refused(deployment: Deployment) -> None:
    """A larger storageSize patches the claims and annotates the StatefulSet (no replacement); a smaller one fails
    the preview in the library's before_update hook, naming the key. On a Deployment stack it is a settings error."""
    size = _stack_setting(deployment, "elasticsearch", "storageSize")
    operations = _expect_rendered_preview(
        deployment, {"pod-patterns:elasticsearch.storageSize": _scaled(size or "10Gi", 2)}
    )
    if size is None:
        assert operations == {}, "storageSize on a Deployment stack is refused"
        return
    assert {kind for kind, _, _ in operations} == {"StatefulSet", "PersistentVolumeClaim"}
    assert set(operations.values()) == {"update"}
    shrink = _preview_with(deployment, {"pod-patterns:elasticsearch.storageSize": _scaled(size, 0.5)})
    assert shrink.returncode != 0
    assert "elasticsearch.storageSize" in shrink.stdout + shrink.stderr, shrink.stdout + shrink.stderr


def test_a_change_that_would_replace_the_statefulset_is_refused_before_anything_changes(
    deployment: Deployment, kube: Kube
) -> None:
    """A new elasticsearch.name replaces the StatefulSet (Kubernetes cannot rename it): a new, empty cluster and the
    old one deleted. The identity Stash's hook refuses it naming the key, in a preview and in an `up` without one,
    before any object is created or replaced. A single-node Deployment (dev) is renamed: it holds no claims."""
    rename = {"pod-patterns:elasticsearch.name": "renamed"}
    statefulsets = [key(w) for w in workloads(deployment.manifests) if w["kind"] == "StatefulSet"]
    if not statefulsets:
        done = _preview_with(deployment, rename)
        assert done.returncode == 0, done.stdout + done.stderr
        steps = json.loads(done.stdout)["steps"]
        assert {s["op"] for s in steps if s["urn"].endswith("-workload")} & {"replace", "create-replacement"}
        return
    ((_, namespace, _),) = statefulsets
    objects_before = {m["metadata"]["uid"] for m in kube.json("get", "all,configmap,secret", "-n", namespace)["items"]}
    for command in (("preview",), ("up", "--yes", "--skip-preview")):  # arguments, not a command line
        done = _run_with(deployment, rename, *command)
        assert done.returncode != 0, done.stdout
        output = done.stdout + done.stderr
        assert "refusing to replace the StatefulSet" in output, output
        assert "elasticsearch.name: the change replaces the StatefulSet" in output, output
    objects_after = {m["metadata"]["uid"] for m in kube.json("get", "all,configmap,secret", "-n", namespace)["items"]}
    assert objects_after == objects_before  # nothing created, replaced or deleted
    test_second_preview_changes_nothing(deployment)


def test_state_holds_no_plaintext_secret(deployment: Deployment) -> None:
    exported = deployment.project.run("stack", "export", "--stack", deployment.stack).stdout
    assert not PRIVATE_KEY_PEM.search(exported)
    assert not VAULT_TOKEN.search(exported)
    assert not SERVICE_ACCOUNT_TOKEN.search(exported)
    # The values Vault holds for the stacks in the tests (tests/vault runs the pods that read them): only paths
    # and key names are in the program, never a value.
    assert not [value for values in PROD_KV.values() for value in values.values() if value in exported]
    state = json.loads(exported)
    keys = state_resources(state, "tls:index/privateKey:PrivateKey")
    assert keys, "no private key in the state"
    for resource in keys:
        secret = resource["outputs"]["privateKeyPem"]
        assert set(secret) == {"4dabf18193072939515e22adb298388d", "ciphertext"}, secret


def _leaf_certificates(deployment: Deployment) -> dict[str, str]:
    state = deployment.project.export(deployment.stack)
    return {r["urn"]: r["outputs"]["certPem"] for r in state_resources(state, LEAF_CERTIFICATE_TYPE)}


def _template_hashes(deployment: Deployment, kube: Kube) -> dict[str, str]:
    hashes = {}
    for workload in workloads(deployment.manifests):
        kind, namespace, name = key(workload)
        live = kube.json("get", kind.lower(), name, "--namespace", namespace)
        hashes[f"{kind}/{name}"] = live["spec"]["template"]["metadata"].get("annotations", {}).get(ROTATION_ANNOTATION)
    return hashes


def test_up_refresh_renews_the_certificate_in_its_renewal_window(deployment: Deployment, kube: Kube) -> None:
    """`pulumi up --refresh`, as the renew-certificates workflow runs it daily, renews a leaf in its window.

    The window is reached by moving the recorded end of validity into the past (time cannot be moved).
    """
    before, hashes_before = _leaf_certificates(deployment), _template_hashes(deployment, kube)
    deployment.project.expire_certificates(deployment.stack)

    deployment.project.run("up", "--stack", deployment.stack, "--refresh", "--yes", "--skip-preview")

    after, hashes_after = _leaf_certificates(deployment), _template_hashes(deployment, kube)
    assert before.keys() == after.keys()
    assert all(after[urn] != before[urn] for urn in before)
    behind_tls = {w for w, digest in hashes_before.items() if digest}  # the workloads with the ambassador
    assert behind_tls
    assert all(hashes_after[w] != hashes_before[w] for w in behind_tls), (hashes_before, hashes_after)
    test_rollouts_complete(deployment, kube)
    done = deployment.project.run("preview", "--stack", deployment.stack, "--expect-no-changes", check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_refresh_finds_nothing_changed(deployment: Deployment) -> None:
    done = deployment.project.run("refresh", "--stack", deployment.stack, "--yes", "--expect-no-changes", check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_destroy_leaves_nothing(deployment: Deployment, kube: Kube) -> None:
    state = deployment.project.export(deployment.stack)
    created = kubernetes_urn_keys(state)
    deployment.project.run("destroy", "--stack", deployment.stack, "--yes")
    deployment.destroyed = True
    namespaces = {name for kind, _, name in created if kind == "Namespace"}
    assert namespaces
    live_namespaces = {n["metadata"]["name"] for n in kube.json("get", "namespaces")["items"]}
    assert not namespaces & live_namespaces
    secrets = {
        (s["metadata"]["namespace"], s["metadata"]["name"])
        for s in kube.json("get", "secrets", "--all-namespaces")["items"]
    }
    assert not {(ns, name) for kind, ns, name in created if kind == "Secret"} & secrets
    assert not deployment.project.export(deployment.stack)["deployment"].get("resources")
