"""Debian's nginx builds the stream module as a dynamic module; the official nginx image has it built in."""

from __future__ import annotations

import dataclasses

from podpatterns.render import Recording

DEBIAN_STREAM_MODULE = "/usr/lib/nginx/modules/ngx_stream_module.so"


def for_debian_nginx(conf: str) -> str:
    """`conf` as Debian's nginx runs it: with `load_module` for the stream module when it has a stream block."""
    if "\nstream {" not in conf:
        return conf
    return f"load_module {DEBIAN_STREAM_MODULE};\n{conf}"


def for_debian_nginx_recording(recording: Recording) -> Recording:
    """The recording with every ConfigMap's nginx.conf as Debian's nginx runs it (see `for_debian_nginx`)."""
    registrations = []
    for registration in recording.registrations:
        data = registration.inputs.get("data") if registration.type == "kubernetes:core/v1:ConfigMap" else None
        if data and "nginx.conf" in data:
            inputs = {**registration.inputs, "data": {**data, "nginx.conf": for_debian_nginx(data["nginx.conf"])}}
            registrations.append(dataclasses.replace(registration, inputs=inputs))
        else:
            registrations.append(registration)
    return dataclasses.replace(recording, registrations=registrations)
