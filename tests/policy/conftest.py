"""The policy pack lives in its own directory (policy/), as the Pulumi CLI loads it: make it importable."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "policy"))
