"""Issue 7, test 7: two containers claiming one port are rejected when the stack is rendered,
before any resource is registered, so before anything could run."""

from __future__ import annotations

import dataclasses

import pytest
from podpatterns import ElasticsearchApp, PodConflictError, PodContribution
from podpatterns.elasticsearch import ElasticsearchAppArgs
from podpatterns.elasticsearch.settings import load_stack_settings
from podpatterns.render import Recording, run_with_mocks
from podpatterns.render.offline import stack_config

from ..conftest import PROJECT_DIR


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_a_second_container_on_the_exporter_port_is_rejected_at_render_time(stack: str) -> None:
    squatter = PodContribution(
        source="Test 'debug-metrics'",
        containers=[{"name": "debug-metrics", "image": "busybox:1.36.1", "ports": [{"containerPort": 9114}]}],
    )

    def program() -> None:
        """The project's program, with one more pattern composed onto the stack's app."""
        settings = load_stack_settings()
        args: ElasticsearchAppArgs = dataclasses.asdict(settings)  # type: ignore[assignment]
        args["contributions"] = [squatter]
        ElasticsearchApp(settings.elasticsearch.name, args)

    project, config, secret_keys = stack_config(PROJECT_DIR, stack)
    recording = Recording(f"{project}-{stack}")
    with pytest.raises(PodConflictError) as conflict:
        run_with_mocks(
            program, project=project, stack=stack, config=config, secret_keys=secret_keys, recording=recording
        )
    message = str(conflict.value)
    assert "9114" in message
    assert "'metrics-exporter'" in message
    assert "'debug-metrics' (from Test 'debug-metrics')" in message
    assert recording.registrations == []
