"""The images built here (scripts/lib/node_images.py) have what every rendered pod relies on: each container's image
under the name the stack gives, the program it starts (its command, else the image's entrypoint, found on the
image's PATH), the programs its probes and preStop hooks exec, the uid it runs as among the image's users, and every
absolute path its arguments name outside its volumes. The real-node tests start some of these pods; this checks all
of them, of every stack, against the images' file lists (images.json, written with the images)."""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from podpatterns.pod.model import Manifest
from podpatterns.render import kubernetes_objects

from ..conftest import STACKS
from ..lib.harness.images import repository
from ..lib.kube import Kube
from ..lib.support.variants import render_variant

MERGED_USR = {"/bin": "/usr/bin", "/sbin": "/usr/sbin", "/lib": "/usr/lib", "/lib64": "/usr/lib64"}


class BuiltImage:
    """One image of images.json: its runtime config, users and files."""

    def __init__(self, entry: dict[str, Any]) -> None:
        self.name: str = entry["name"]
        self.config: dict[str, Any] = entry["config"]
        self.users: dict[str, int] = entry["users"]
        self.paths = set(entry["paths"])

    def has(self, path: str) -> bool:
        """The path exists in the image, read through its merged-/usr links (/bin/sh is /usr/bin/sh)."""
        path = posixpath.normpath(path)
        for top, inside in MERGED_USR.items():
            if path.startswith(top + "/"):
                path = inside + path[len(top) :]
        return path in self.paths

    def which(self, program: str) -> str | None:
        """The program as the runtime finds it: an absolute path, else the first hit on the image's PATH."""
        if program.startswith("/"):
            return program if self.has(program) else None
        env = dict(variable.split("=", 1) for variable in self.config.get("Env", []))
        hits = [f"{d}/{program}" for d in env.get("PATH", "").split(":") if self.has(f"{d}/{program}")]
        return hits[0] if hits else None

    @property
    def argv(self) -> list[str]:
        return [*self.config.get("Entrypoint", []), *self.config.get("Cmd", [])]


@pytest.fixture(scope="module")
def built_images(kube: Kube, real_nodes: list[str]) -> dict[str, BuiltImage]:
    """The images the real nodes were given, by their full name (scripts/cluster up --real-nodes records where)."""
    directory = Path((Path(kube.kubeconfig).parent / "nodes" / "images.dir").read_text().strip())
    entries = json.loads((directory / "images.json").read_text())
    return {entry["name"]: BuiltImage(entry) for entry in entries}


def full_name(image: str) -> str:
    tag = image.rsplit(":", 1)[1] if ":" in image.rsplit("/", 1)[-1] else "latest"
    return f"{repository(image)}:{tag}"


def pod_specs(manifests: list[Manifest]) -> Iterator[tuple[str, Manifest]]:
    for manifest in manifests:
        spec = manifest.get("spec", {})
        template = spec.get("template") or spec.get("jobTemplate", {}).get("spec", {}).get("template")
        if template:
            yield f"{manifest['kind']} {manifest['metadata']['name']}", template["spec"]


def execs(container: Manifest) -> Iterator[tuple[str, list[str]]]:
    """The commands the kubelet execs in the container: its probes' and its preStop hook's."""
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        if "exec" in container.get(probe, {}):
            yield probe, container[probe]["exec"]["command"]
    pre_stop = container.get("lifecycle", {}).get("preStop", {})
    if "exec" in pre_stop:
        yield "preStop", pre_stop["exec"]["command"]


SHELL_KEYWORDS = {"if", "then", "else", "elif", "fi", "while", "until", "do", "done", "esac", "!", "{", "}"}
DASH_BUILTINS = {
    "echo", "printf", "test", "[", "true", "false", ":", ".", "cd", "wait", "kill", "exit", "return", "set", "shift",
    "trap", "exec", "eval", "read", "local", "export", "unset", "command", "break", "continue", "readonly", "umask",
    "type", "pwd", "getopts", "alias",
}  # fmt: skip
COMMAND_START = re.compile(r"\$\(|\|\||&&|[|;`]")
PROGRAM_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")


def scripts(argv: list[str]) -> Iterator[str]:
    """The shell scripts an argv runs: `sh -c SCRIPT ...`."""
    if len(argv) > 2 and posixpath.basename(argv[0]) in ("sh", "bash", "dash") and argv[1] == "-c":
        yield argv[2]


def script_programs(script: str) -> set[str]:
    """The programs a script of ours runs: the first word of each command (a line, or after `|`, `||`, `&&`, `;`,
    `$(`, a keyword; not a `for` or `case` head), less dash's builtins and the script's own functions. Read, not
    parsed: what single quotes hold (sed programs, trap actions) is left out, so a program only a trap runs is not
    seen."""
    script = "\n".join(line for line in script.splitlines() if not line.lstrip().startswith("#"))
    script = re.sub(r"\\\n", " ", script)  # continued lines
    script = re.sub(r"'[^']*'", "''", script)
    functions = set(re.findall(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\(\)", script, re.MULTILINE))
    programs = set()
    for line in script.splitlines():
        for command in COMMAND_START.split(line):
            words = command.split()
            while words and words[0] in SHELL_KEYWORDS:
                words.pop(0)
            if words and words[0] not in ("for", "case") and PROGRAM_NAME.fullmatch(words[0]):
                programs.add(words[0])
    return programs - DASH_BUILTINS - functions


def named_paths(argv: list[str]) -> Iterator[str]:
    """The absolute paths single arguments name (`/a/b`, `-config=/a/b`); a script's text is not an argument."""
    for argument in argv:
        if "\n" in argument or " " in argument:
            continue
        value = argument.rsplit("=", 1)[-1]
        if value.startswith("/"):
            yield value


def problems_of(pod: Manifest, container: Manifest, image: BuiltImage, pod_images: list[BuiltImage]) -> list[str]:
    """What the container relies on that its image lacks. A uid the image has no user for is allowed to a container
    that keeps nothing of its own in the image (read-only root) and shares files with a sibling whose image has that
    user (the log tailer reads what Elasticsearch's uid writes)."""
    found: list[str] = []
    argv = [*container.get("command", []), *container.get("args", [])] if "command" in container else image.argv
    if not argv or image.which(argv[0]) is None:
        found.append(f"starts {argv[:1]}, which the image does not have")
    for hook, command in [("command", argv), *execs(container)]:
        if hook != "command" and image.which(command[0]) is None:
            found.append(f"its {hook} execs {command[0]}, which the image does not have")
        for script in scripts(command):
            missing = sorted(p for p in script_programs(script) if image.which(p) is None)
            found += [f"its {hook}'s script runs {program}, which the image does not have" for program in missing]
    security = {**pod.get("securityContext", {}), **container.get("securityContext", {})}
    uid = security.get("runAsUser")
    if uid is not None and uid not in image.users.values():
        siblings = [other.name for other in pod_images if uid in other.users.values()]
        if not (siblings and security.get("readOnlyRootFilesystem")):
            found.append(
                f"runs as uid {uid}, a user of neither its image ({image.users}) nor, with a read-only "
                "root, of a sibling's image"
            )
    mounts = [m["mountPath"] for m in container.get("volumeMounts", [])]
    for path in named_paths(argv):
        inside_a_volume = any(path == m or path.startswith(m.rstrip("/") + "/") for m in mounts)
        if not inside_a_volume and not image.has(path):
            found.append(f"names {path}, which the image does not have")
    for mount in container.get("volumeMounts", []):
        if "subPath" in mount and not image.has(posixpath.dirname(mount["mountPath"])):
            found.append(f"mounts a file into {posixpath.dirname(mount['mountPath'])}, which the image does not have")
    return found


@pytest.mark.parametrize("kubernetes_version", [None, "1.28"], ids=["as-rendered", "classic-sidecars"])
@pytest.mark.parametrize("stack", STACKS)
def test_every_rendered_container_finds_what_it_relies_on_in_its_image(
    stack: str, kubernetes_version: str | None, rendered: dict[str, list[Manifest]], built_images: dict[str, BuiltImage]
) -> None:
    """Also rendered for Kubernetes 1.28, whose classic sidecars exec a preStop hook each: in the nginx and exporter
    images built without a shell, their hooks failed at once and the kubelet stopped them before Elasticsearch."""
    problems = []
    checked = 0
    manifests = (
        kubernetes_objects(render_variant(stack, kubernetesVersion=kubernetes_version))
        if kubernetes_version
        else rendered[stack]
    )
    for owner, pod in pod_specs(manifests):
        containers = [*pod.get("initContainers", []), *pod["containers"]]
        named = {c["image"]: built_images.get(full_name(c["image"])) for c in containers}
        pod_images = [image for image in named.values() if image is not None]
        for container in containers:
            where = f"{stack}: {owner}, container {container['name']} ({container['image']})"
            image = named[container["image"]]
            if image is None:
                problems.append(f"{where}: no image of that name is built ({sorted(built_images)})")
                continue
            problems += [f"{where}: {problem}" for problem in problems_of(pod, container, image, pod_images)]
            checked += 1
    assert not problems, "\n".join(problems)
    assert checked >= 4  # the ambassador, the exporter, the tailer and Elasticsearch at least


def test_each_image_has_its_entrypoint_and_the_paths_its_environment_names(
    built_images: dict[str, BuiltImage],
) -> None:
    problems = []
    for image in built_images.values():
        if image.which(image.argv[0]) is None:
            problems.append(f"{image.name}: its entrypoint {image.argv[0]} is missing")
        for variable in image.config.get("Env", []):
            name, value = variable.split("=", 1)
            if name != "PATH" and value.startswith("/") and not image.has(value):  # PATH may name absent dirs
                problems.append(f"{image.name}: {name}={value} names a path the image does not have")
        if "WorkingDir" in image.config and not image.has(image.config["WorkingDir"]):
            problems.append(f"{image.name}: its working directory {image.config['WorkingDir']} is missing")
    assert not problems, "\n".join(problems)
