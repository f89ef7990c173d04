"""The benchmark measures what the stacks render: each ambassador variant renders into a runnable command.

The bench itself runs outside the test suite (bench/run), so this keeps it from breaking silently when the pod's
shape changes (the ambassador moved from `containers` to a native sidecar in `initContainers` once).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.proxies import VARIANTS
from bench.rendered import Variant, render


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.label)
def test_each_variant_renders_the_ambassadors_own_command_and_configuration(variant: Variant, tmp_path: Path) -> None:
    rendered = render(variant, tmp_path)
    assert rendered.argv[:2] == ["unshare", "--mount"]
    assert "nginx -c /etc/nginx/ambassador/nginx.conf" in rendered.argv[-1]
    conf = (tmp_path / "config" / "nginx.conf").read_text()
    assert ("stream {" in conf) == (variant.tls.get("mode") == "stream")
    certificates = (tmp_path / "certs" / "tls.crt").read_text().count("BEGIN CERTIFICATE")
    assert certificates == (2 if variant.chain_with_ca else 1)
    assert bool(rendered.client_certificate) == ("clients" in variant.tls)
