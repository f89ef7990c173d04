"""Host of the multi-language component package (PulumiPlugin.yaml): serves the components to the Pulumi engine."""

import sys

from podpatterns.package import COMPONENTS, NAME, VERSION
from podpatterns.provider import PodPatternsProvider
from pulumi.provider import main

if __name__ == "__main__":
    main(PodPatternsProvider(COMPONENTS, NAME, version=VERSION), sys.argv[1:])
