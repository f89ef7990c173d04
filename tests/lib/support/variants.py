"""A project stack with some settings changed, rendered offline exactly as `scripts/render` renders a stack."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from podpatterns.program import main
from podpatterns.render import Recording, run_with_mocks
from podpatterns.render.offline import stack_config

PROJECT_DIR = Path(__file__).resolve().parents[3]


def render_variant(stack: str, **sections: Any) -> Recording:
    """`stack` with each config section updated, e.g. `render_variant("dev", tls={"mode": "stream"})`; a value that
    is not a mapping replaces the key's (`kubernetesVersion="1.28"`)."""
    project, config, secret_keys = stack_config(PROJECT_DIR, stack)
    for section, values in sections.items():
        key = f"{project}:{section}"
        if isinstance(values, dict):
            config[key] = json.dumps({**json.loads(config.get(key, "{}")), **values})
        else:
            config[key] = str(values)
    return run_with_mocks(main, project=project, stack=stack, config=config, secret_keys=secret_keys)
