"""The pod-patterns policy pack: served to the Pulumi CLI (`pulumi preview --policy-pack policy`)."""

from podpolicies.pack import POLICIES
from pulumi_policy import EnforcementLevel, PolicyPack

PolicyPack(name="pod-patterns", enforcement_level=EnforcementLevel.MANDATORY, policies=POLICIES)
