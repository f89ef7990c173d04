"""What the tests share, holding no test of its own.

prerequisites.py    unavailable(), require_program(), require_root(): skip on a laptop, fail under CI=true
harness/            the end-to-end harness: rendered pods run as a kubelet would, in Linux namespaces
standins/           stand-ins for programs that cannot run here (Elasticsearch API, Vault agent)
support/            pulumi-tls stand-in, secret scanner, NetworkPolicy evaluator, nginx config reader, ...
kube.py, cluster_targets.py   kubectl on the test cluster; what the cluster and engine tests apply
package_host.py, yaml_program.py   the component package's host, and a Pulumi YAML program, evaluated offline
bad_inputs.py, pod_security_cases.py   the bad-input catalogue's machinery; Pod Security controls broken in turn
golden/, snapshots.py   golden renders per stack (scripts/update-golden)
mutants/            the mutation gate (scripts/mutants) and its mutations
mermaid/, sdks/     Mermaid's parser (npm); programs on the generated TypeScript and Go SDKs

tests/test_layout.py fails when a test_*.py lands here, a test module imports another one, or a folder of tests
imports from another folder instead of from here.
"""
