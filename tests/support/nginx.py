"""Debian's nginx builds the stream module as a dynamic module; the official nginx image has it built in."""

from __future__ import annotations

DEBIAN_STREAM_MODULE = "/usr/lib/nginx/modules/ngx_stream_module.so"


def for_debian_nginx(conf: str) -> str:
    """`conf` as Debian's nginx runs it: with `load_module` for the stream module when it has a stream block."""
    if "\nstream {" not in conf:
        return conf
    return f"load_module {DEBIAN_STREAM_MODULE};\n{conf}"
