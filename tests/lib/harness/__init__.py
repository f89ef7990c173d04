"""The end-to-end harness: runs the pods of an offline render the way a kubelet would, on the real
programs, in Linux namespaces (needs root). One sandbox for every test that runs a pod.

    with Cluster(recording, workdir, vault_agent=..., vault_kv=...) as cluster:
        with cluster.run(cluster.workload("elasticsearch")) as pod:
            pod.in_cluster(["curl", f"http://{pod.ip}:9114/metrics"])
            pod.exec("elasticsearch", ["cat", "/tmp/x"]); pod.logs("tls-ambassador")

cluster.py (objects, node, Vault) -> runner.py (start order, probes, teardown) -> network.py (namespaces),
volumes.py, rootfs.py (each container's root), podspec.py (argv, env, user), images.py (image -> program;
the real Elasticsearch: elasticsearch_image.py, every node of a stack: real_stack.py).
"""

from .cluster import Cluster
from .images import UnknownImageError
from .runner import PodStartError, RunningPod

__all__ = ["Cluster", "PodStartError", "RunningPod", "UnknownImageError"]
