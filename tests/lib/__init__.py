"""What the tests share and hold no test of their own: requirement checks (prerequisites.py), the end-to-end pod
harness (harness/), stand-ins for programs that cannot run here (standins/), helpers (support/), golden snapshots
(golden/), the mutation gate (mutants/), Mermaid's parser (mermaid/) and the SDK programs (sdks/).
A fast test (tests/test_layout.py) fails when a test_*.py lands here or a test module imports another one."""
