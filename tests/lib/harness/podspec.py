"""What a container spec means for the process that runs it: argv, environment, identity, ports.

As the kubelet and the container runtime read them: `command`/`args` replace the image's
entrypoint/cmd, `$(VAR)` references expand, env comes from the image then `envFrom` then `env`
(values, fieldRefs, Secret, ConfigMap keys) then the harness's image overrides; the user, groups, capabilities and
no_new_privs come from the container's securityContext over the pod's over the image's default.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from podpatterns.pod.model import Manifest

from .images import Image
from .volumes import ObjectLookup, keys_of

_REFERENCE = re.compile(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")


class ContainerSpecError(ValueError):
    """A container the kubelet would refuse to start: names the container and the reason."""


def expand(text: str, env: Mapping[str, str]) -> str:
    """`$(VAR)` -> its value when VAR is defined (else left as is), as Kubernetes expands references."""
    return _REFERENCE.sub(lambda m: env.get(m[1], m[0]), text)


def argv_of(container: Manifest, image: Image, env: Mapping[str, str]) -> list[str]:
    if "command" in container:
        argv = [*container["command"], *container.get("args", [])]
    else:
        argv = [*image.entrypoint, *container.get("args", [])]
    return [expand(arg, env) for arg in argv]


def environment_of(
    container: Manifest, image: Image, fields: Mapping[str, str], objects: ObjectLookup
) -> dict[str, str]:
    """The container's environment; `fields` answers fieldRefs (metadata.name, status.podIP, ...)."""
    env = dict(image.env)
    name = container["name"]
    for source in container.get("envFrom", []):
        kind = "ConfigMap" if "configMapRef" in source else "Secret"
        reference = source.get("configMapRef") or source["secretRef"]
        found = objects(kind, reference["name"])
        if found is None and not reference.get("optional"):
            raise ContainerSpecError(f"container '{name}': envFrom {kind} '{reference['name']}' does not exist")
        env.update({source.get("prefix", "") + k: v for k, v in keys_of(found or {"kind": kind}).items()})
    for variable in container.get("env", []):
        env[variable["name"]] = _value(name, variable, env, fields, objects)
    env.update(image.overrides)
    return env


def _value(
    container: str, variable: Manifest, env: Mapping[str, str], fields: Mapping[str, str], objects: ObjectLookup
) -> str:
    if "valueFrom" not in variable:
        return expand(variable.get("value", ""), env)
    source = variable["valueFrom"]
    if "fieldRef" in source:
        path = source["fieldRef"]["fieldPath"]
        if path not in fields:
            raise ContainerSpecError(f"container '{container}': env {variable['name']}: fieldRef {path} unsupported")
        return fields[path]
    for kind, key in (("Secret", "secretKeyRef"), ("ConfigMap", "configMapKeyRef")):
        if key in source:
            reference = source[key]
            found = objects(kind, reference["name"])
            data = keys_of(found) if found is not None else {}
            if reference["key"] not in data:
                raise ContainerSpecError(
                    f"container '{container}': env {variable['name']}: {kind} '{reference['name']}' "
                    f"has no key '{reference['key']}'"
                )
            return data[reference["key"]]
    raise ContainerSpecError(f"container '{container}': env {variable['name']}: {sorted(source)} unsupported")


@dataclass(frozen=True)
class Identity:
    uid: int
    gid: int
    setpriv: tuple[str, ...]
    """setpriv options that switch to this identity."""


def identity_of(container: Manifest, pod_spec: Manifest, image: Image) -> Identity:
    pod = pod_spec.get("securityContext", {})
    mine = container.get("securityContext", {})
    merged = {**pod, **mine}
    uid = int(merged.get("runAsUser", image.user))
    gid = int(merged.get("runAsGroup", 0))
    if merged.get("runAsNonRoot") and uid == 0:
        raise ContainerSpecError(f"container '{container['name']}': runAsNonRoot is set but it would run as root")
    groups = [str(g) for g in [pod.get("fsGroup"), *pod.get("supplementalGroups", [])] if g is not None]
    options = [f"--reuid={uid}", f"--regid={gid}", f"--groups={','.join(groups)}" if groups else "--clear-groups"]
    if mine.get("allowPrivilegeEscalation") is False:
        options.append("--no-new-privs")
    if not mine.get("privileged") and "ALL" in mine.get("capabilities", {}).get("drop", []):
        options += ["--inh-caps=-all", "--bounding-set=-all"]
    return Identity(uid, gid, tuple(options))


def port_number(container: Manifest, port: int | str) -> int:
    """A probe's port: a number, or the name of one of the container's ports."""
    if isinstance(port, int):
        return port
    for declared in container.get("ports", []):
        if declared.get("name") == port:
            return int(declared["containerPort"])
    raise ContainerSpecError(f"container '{container['name']}': no port named '{port}'")
