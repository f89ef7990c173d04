"""The CrossGuard policies: each pure check wrapped for the Pulumi policy engine."""

from collections.abc import Callable

from pulumi_policy import (
    Policy,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from .containers import pinned_images, privileged_only_in_init, requests_and_limits
from .pods import Manifest, pod_spec
from .secrets import config_map_secrets, env_secrets
from .services import DEFAULT_PEER_PORTS, Resource, plaintext_ports


def _pod_policy(name: str, description: str, check: Callable[[Manifest], list[str]]) -> ResourceValidationPolicy:
    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        spec = pod_spec(args.resource_type, args.props)
        for message in check(spec) if spec is not None else []:
            report_violation(message, None)

    return ResourceValidationPolicy(name=name, description=description, validate=validate)


def _validate_secrets(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    spec = pod_spec(args.resource_type, args.props)
    messages = env_secrets(spec) if spec is not None else []
    if args.resource_type == "kubernetes:core/v1:ConfigMap":
        messages = config_map_secrets(args.props)
    for message in messages:
        report_violation(message, None)


def _validate_plaintext_ports(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    peer_ports = args.get_config().get("peerPorts", list(DEFAULT_PEER_PORTS))
    resources = [Resource(r.resource_type, r.name, r.props) for r in args.resources]
    for message in plaintext_ports(resources, peer_ports):
        report_violation(message, None)


POLICIES: list[Policy] = [
    StackValidationPolicy(
        name="no-plaintext-port-behind-ambassador",
        description="A Service of pods with the TLS ambassador reaches the application only through TLS.",
        validate=_validate_plaintext_ports,
        config_schema=PolicyConfigSchema(
            properties={
                "peerPorts": {"type": "array", "items": {"type": "string"}, "default": list(DEFAULT_PEER_PORTS)}
            }
        ),
    ),
    _pod_policy(
        "privileged-only-in-init-containers",
        "Only classic init containers may be privileged; running containers and sidecars never.",
        privileged_only_in_init,
    ),
    _pod_policy("requests-and-limits", "Every container requests and limits CPU and memory.", requests_and_limits),
    _pod_policy("pinned-images", "Every image is pinned to a version tag (not latest) or a digest.", pinned_images),
    ResourceValidationPolicy(
        name="secrets-only-in-secrets",
        description="No private keys or secret-looking values in ConfigMaps or literal container env.",
        validate=_validate_secrets,
    ),
]
