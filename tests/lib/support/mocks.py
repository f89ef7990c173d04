"""Pulumi mocks for tests that must tell certificates apart: one value per resource and per input.

The offline render's placeholders name the resource and the attribute only, so under them every renewal of a
certificate looks the same. `distinct_per_input` adds a digest of the resource's inputs (which hold the
values of the resources it depends on): a key, a request or a certificate made from other inputs differs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from podpatterns.render.offline import deploy_time_placeholder


def distinct_per_input(resource_type: str, name: str, attribute: str, inputs: Mapping[str, Any]) -> str:
    """A `ComputedValue` for `run_with_mocks(computed=...)`."""
    digest = hashlib.sha256(json.dumps(inputs, sort_keys=True, default=str).encode()).hexdigest()[:16]
    return f"{deploy_time_placeholder(resource_type, name, attribute)} {digest}"
