"""The TLS ambassador pattern: nginx terminates TLS in the pod; the app listens on 127.0.0.1."""

from .args import TlsAmbassadorArgs
from .component import TlsAmbassador
from .contribution import AmbassadorLayout, ambassador_contribution, nginx_config
from .settings import TlsSettings

__all__ = [
    "AmbassadorLayout",
    "TlsAmbassador",
    "TlsAmbassadorArgs",
    "TlsSettings",
    "ambassador_contribution",
    "nginx_config",
]
