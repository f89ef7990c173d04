"""Value checks shared by settings: each raises ValueError saying what is allowed."""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from ..quantity import parse_cpu, parse_memory
from .engine import Check, KeyedValueError, setting

_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_VERSION = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")
_KUBERNETES_VERSION = re.compile(r"^1\.(\d+)$")
_IMAGE_REPOSITORY = re.compile(r"^[a-z0-9]+([._/-][a-z0-9]+)*(:\d+)?(/[a-z0-9]+([._-][a-z0-9]+)*)*$")
_IMAGE_TAG = re.compile(r"^[\w][\w.-]{0,127}$")
_DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
_LABEL_NAME = re.compile(r"^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$")
_LABEL_PREFIX = re.compile(r"^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")

OLDEST_KUBERNETES_MINOR = 25
NEWEST_KUBERNETES_MINOR = 37


def dns_label(max_length: int) -> Check:
    def check(value: str) -> None:
        if len(value) > max_length or not _DNS_LABEL.match(value):
            raise ValueError(
                f"must be a DNS label: lowercase letters, digits and '-', starting and ending "
                f"with a letter or digit, at most {max_length} characters"
            )

    return check


def release_version(value: str) -> None:
    """An Elasticsearch release, X.Y.Z, major 8 or 9."""
    match = _VERSION.match(value)
    if not match:
        raise ValueError("must be a release version X.Y.Z such as 8.19.21 (the image tag is pinned to it)")
    if int(match[1]) not in (8, 9):
        raise ValueError("must be an Elasticsearch 8.x or 9.x release")


def version_tuple(value: str) -> tuple[int, ...]:
    return tuple(int(part) for part in value.split("."))


def kubernetes_version(value: str) -> None:
    match = _KUBERNETES_VERSION.match(value)
    if not match or not OLDEST_KUBERNETES_MINOR <= int(match[1]) <= NEWEST_KUBERNETES_MINOR:
        raise ValueError(
            f"must be a Kubernetes minor version from 1.{OLDEST_KUBERNETES_MINOR} "
            f'to 1.{NEWEST_KUBERNETES_MINOR}, such as "1.33"'
        )


def image_repository(value: str) -> None:
    if not _IMAGE_REPOSITORY.match(value):
        raise ValueError(
            "must be an image repository without tag or digest, such as "
            "docker.elastic.co/elasticsearch/elasticsearch (the version setting pins the tag)"
        )


def pinned_image(value: str) -> None:
    """An image reference with a version tag or a sha256 digest; `latest` and no tag are refused."""
    reference, at, digest = value.partition("@")
    if at and not _DIGEST.match(digest):
        raise ValueError("must be pinned to a digest @sha256:<64 hex digits>, or to a version tag")
    repository, colon, tag = reference.rpartition(":")
    if not colon or "/" in tag:  # no tag: "registry:5000/name" has a colon in the registry only
        repository, tag = reference, "digest" if at else ""
    if not repository or not _IMAGE_REPOSITORY.match(repository) or not _IMAGE_TAG.match(tag):
        raise ValueError("must be an image pinned to a version tag or digest, such as busybox:1.36.1")
    if tag == "latest":
        raise ValueError("must be pinned to a version: latest changes under you")


def memory_quantity(value: str) -> None:
    if parse_memory(value) == 0:
        raise ValueError("must be more than 0")


def cpu_quantity(value: str) -> None:
    if parse_cpu(value) == 0:
        raise ValueError("must be more than 0")


_LABEL = r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?"
_HOSTNAME = re.compile(rf"^(\*\.)?{_LABEL}(\.{_LABEL})*$")


def every_entry(values: tuple[str, ...], check: Check) -> None:
    """Run `check` on each entry of a list; raise one ValueError naming every bad entry by its index and why."""
    bad = []
    for index, value in enumerate(values):
        try:
            check(value)
        except ValueError as error:
            named = repr(value) in str(error)  # some checks name the entry themselves
            bad.append(f"[{index}] {error}" if named else f"[{index}] {value!r} {error}")
    if bad:
        raise ValueError("; ".join(bad))


def _dns_name(value: str) -> None:
    if len(value) > 253 or not _HOSTNAME.match(value):
        raise ValueError(
            "is not a DNS name (lowercase RFC 1123, labels of at most 63 characters, optionally starting with '*.')"
        )


def dns_names(values: tuple[str, ...]) -> None:
    """Certificate DNS names: lowercase RFC 1123 host names, a leading '*.' allowed."""
    every_entry(values, _dns_name)


def dns_labels(values: tuple[str, ...]) -> None:
    """Distinct DNS labels, such as the names that become part of object names."""
    every_entry(values, dns_label(63))
    if len(set(values)) != len(values):
        raise ValueError("must be distinct")


def _ip_address(value: str) -> None:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        raise ValueError("is not an IPv4 or IPv6 address") from None


def ip_addresses(values: tuple[str, ...]) -> None:
    every_entry(values, _ip_address)


def kubernetes_version_setting(doc: str) -> Any:
    """Declare the oldest Kubernetes minor version a pattern must work on. Default: "1.33"."""
    return setting("1.33", doc, check=kubernetes_version, allowed='"1.25" to "1.37"')


def absolute_path_setting(default: str, doc: str) -> Any:
    """Declare an absolute path key of plain segments (no . or .. to step out of the directory it names)."""
    return setting(default, doc, check=absolute_path, allowed="absolute path")


def image_setting(default: str, doc: str) -> Any:
    """Declare a container image key: pinned to a version tag or digest."""
    return setting(default, doc, check=pinned_image, allowed="image with a version tag or digest")


_ABSOLUTE_PATH = re.compile(r"^(/[A-Za-z0-9._-]+)+$")


def absolute_path(value: str) -> None:
    """An absolute path of plain segments: no '.' or '..' to step out of the directory it names."""
    if not _ABSOLUTE_PATH.match(value) or {".", ".."} & set(value.split("/")):
        raise ValueError("must be an absolute path of letters, digits, '.', '_' and '-' segments, without . or ..")


_SECRET_KEY = re.compile(r"^[-._a-zA-Z0-9]+$")


def secret_key(value: str) -> None:
    """A key of a Secret or ConfigMap."""
    if not _SECRET_KEY.match(value) or len(value) > 253:
        raise ValueError("must be a Secret key: letters, digits, '-', '_' and '.'")


_DURATION = re.compile(r"^(\d+[smhd])+$")


def prometheus_duration(value: str) -> None:
    if not _DURATION.match(value):
        raise ValueError("must be a Prometheus duration such as 30m, 1h or 1h30m")


def subset_of(allowed: tuple[str, ...]) -> Check:
    def check(values: tuple[str, ...]) -> None:
        unknown = [v for v in values if v not in allowed]
        if unknown or len(set(values)) != len(values):
            raise ValueError(f"must be distinct values among {', '.join(allowed)}")

    return check


def cpu_setting(default: str, doc: str) -> Any:
    """Declare a CPU quantity key (250m, 1, 1.5)."""
    return setting(default, doc, check=cpu_quantity, allowed="CPU quantity")


def memory_setting(default: str | None, doc: str) -> Any:
    """Declare a byte quantity key (512Mi, 2Gi)."""
    return setting(default, doc, check=memory_quantity, allowed="byte quantity")


def cpu_request_within_limit(request: str, limit: str) -> None:
    """For __post_init__: a CPU request above its limit is refused by the API server, say so before."""
    if parse_cpu(request) > parse_cpu(limit):
        raise KeyedValueError("cpu_request", f"must not exceed cpuLimit {limit}")


def _label_pair_problem(pair: str) -> str | None:
    key, equals, value = pair.partition("=")
    prefix, slash, name = key.rpartition("/")
    if not equals or not _LABEL_NAME.match(name) or (slash and not _LABEL_PREFIX.match(prefix)):
        return f"{pair!r} is not key=value with a Kubernetes label key (such as app.kubernetes.io/name=ingest)"
    if value and not _LABEL_NAME.match(value):
        return f"{pair!r}: the value must be a label value (63 characters: letters, digits, '-', '_', '.')"
    return None


def label_pairs(values: tuple[str, ...]) -> None:
    """Labels as `key=value` texts: valid label keys and values, each key once."""
    for pair in values:
        problem = _label_pair_problem(pair)
        if problem:
            raise ValueError(problem)
    keys = [pair.partition("=")[0] for pair in values]
    if len(set(keys)) != len(keys):
        raise ValueError("a label key is listed twice")


def as_labels(pairs: tuple[str, ...]) -> dict[str, str]:
    return dict(pair.partition("=")[::2] for pair in pairs)
