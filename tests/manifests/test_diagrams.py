"""Pod diagrams: current in the golden renders, valid Mermaid by Mermaid's own parser, and saying what the pod does."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from podpatterns.pod.model import Manifest
from podpatterns.render import Recording, kubernetes_objects
from podpatterns.render.diagram import pod_diagrams
from podpatterns.render.offline import run_offline

from ..conftest import PROJECT_DIR, STACKS
from ..lib.prerequisites import require_program, unavailable
from ..lib.snapshots import GOLDEN

MERMAID = PROJECT_DIR / "tests" / "lib" / "mermaid"
RENDER_DOC = PROJECT_DIR / "docs" / "render.md"


@pytest.fixture(scope="module")
def diagrams(recordings: dict[str, Recording], rendered: dict[str, list[Manifest]]) -> dict[str, dict[str, str]]:
    return {stack: pod_diagrams(rendered[stack], recordings[stack].pods) for stack in STACKS}


@pytest.mark.parametrize("stack", STACKS)
def test_golden_diagrams_are_current(stack: str, diagrams: dict[str, dict[str, str]]) -> None:
    expected = {p.stem: p.read_text() for p in sorted((GOLDEN / stack / "diagrams").glob("*.mmd"))}
    assert expected == diagrams[stack], "pod diagrams are stale: run scripts/update-golden"


def test_the_render_doc_shows_dev_as_rendered() -> None:
    (block,) = re.findall(r"```mermaid\n(.*?)```", RENDER_DOC.read_text(), re.S)
    assert block == (GOLDEN / "dev" / "diagrams" / "deployment_search-dev_elasticsearch.mmd").read_text()


def parse_with_mermaid(*files: Path) -> subprocess.CompletedProcess[str]:
    node = require_program("node", "nodejs")
    if not (MERMAID / "node_modules" / "mermaid").is_dir():
        unavailable("Mermaid's parser is not installed: scripts/test installs it (npm ci in tests/lib/mermaid)")
    command = [node, MERMAID / "parse.mjs", *files]
    return subprocess.run(command, check=False, capture_output=True, text=True, timeout=120)


@pytest.mark.tools  # Node.js and Mermaid's npm modules
def test_mermaid_parses_every_diagram() -> None:
    files = sorted(GOLDEN.glob("*/diagrams/*.mmd"))
    assert len(files) == 4  # dev, staging, prod and prod's cluster-wide exporter
    result = parse_with_mermaid(*files)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(": ok flowchart") == len(files)


@pytest.mark.tools
def test_mermaid_rejects_a_broken_diagram(tmp_path: Path) -> None:
    broken = tmp_path / "broken.mmd"
    text = (GOLDEN / "dev" / "diagrams" / "deployment_search-dev_elasticsearch.mmd").read_text()
    broken.write_text(text.replace('["clients"]', '["clients'))
    result = parse_with_mermaid(broken)
    assert result.returncode == 1
    assert "Parse error" in result.stdout


def edges(diagram: str) -> set[str]:
    return {line.strip() for line in diagram.splitlines() if "-->" in line or "-.->" in line}


def test_dev_pod_client_through_ambassador_to_the_app_on_loopback(diagrams: dict[str, dict[str, str]]) -> None:
    dev = diagrams["dev"]["deployment_search-dev_elasticsearch"]
    assert 'c_elasticsearch["app: elasticsearch<br/>pod IP :9300 transport<br/>127.0.0.1:9201"]' in dev
    assert (
        'c_tls_ambassador["native sidecar: tls-ambassador<br/>pod IP :9200 https<br/>pod IP :9117 tls-expiry"]' in dev
    )
    assert {
        "clients --> s_elasticsearch",
        's_elasticsearch -->|":9200 → https"| c_tls_ambassador',
        'c_tls_ambassador -->|"127.0.0.1:9201"| c_elasticsearch',
        'c_metrics_exporter -->|"127.0.0.1:9200"| c_tls_ambassador',
        'prometheus -->|":9114 /metrics"| c_metrics_exporter',
        "c_elasticsearch -->|writes| v_logs",
        "v_logs -.->|reads| c_tail_elasticsearch_log",
    } <= edges(dev)
    assert 'c_tail_elasticsearch_log["native sidecar: tail-elasticsearch-log"]' in dev
    assert "privileged" not in dev  # sysctl.mode none


def test_prod_pod_init_order_privilege_vault_and_peers(diagrams: dict[str, dict[str, str]]) -> None:
    prod = diagrams["prod"]["statefulset_search-prod_elasticsearch"]
    inits = re.findall(r'\["init (\d): ([\w-]+)', prod)
    assert inits == [("1", "config-init"), ("2", "sysctl-init"), ("3", "vault-agent-init"), ("4", "keystore-init")]
    assert 'c_sysctl_init["init 2: sysctl-init<br/>privileged"]' in prod
    assert 'v_vault_secrets[("vault-secrets<br/>emptyDir in memory")]' in prod
    assert 'v_data[("data<br/>PersistentVolumeClaim 100Gi")]' in prod
    assert {
        "c_vault_agent_init -->|writes| v_vault_secrets",
        "v_vault_secrets -.->|reads| c_elasticsearch",
        "v_vault_secrets -.->|reads| c_keystore_init",
        "peers --> s_elasticsearch_headless",
        's_elasticsearch_headless -->|":9300 → transport"| c_elasticsearch',
    } <= edges(prod)


def test_a_pod_from_its_spec_alone_is_still_drawn(diagrams: dict[str, dict[str, str]]) -> None:
    """The cluster-wide exporter's Deployment is built without merge_pod: found by its PodMonitor."""
    exporter = diagrams["prod"]["deployment_search-prod_elasticsearch-cluster-metrics"]
    assert 'c_metrics_exporter["container: metrics-exporter<br/>pod IP :9114 metrics"]' in exporter
    assert 'prometheus -->|":9114 /metrics"| c_metrics_exporter' in exporter
    assert "127.0.0.1" not in exporter


def test_another_workload_composed_from_the_patterns() -> None:
    """The example web service: its own Deployment, the patterns' contributions, the same drawing."""
    project = PROJECT_DIR / "examples" / "python-webapp"
    recording = run_offline(project, "dev")
    (web,) = pod_diagrams(kubernetes_objects(recording), recording.pods).values()
    assert 'c_web["app: web<br/>127.0.0.1:8080<br/>127.0.0.1:8081"]' in web
    assert {
        'c_tls_ambassador -->|"127.0.0.1:8080"| c_web',
        'c_metrics_exporter -->|"127.0.0.1:8081"| c_web',
        "v_logs -.->|reads| c_tail_access_log",
        "v_logs -.->|reads| c_tail_error_log",
        "c_web -->|writes| v_logs",
    } <= edges(web)
