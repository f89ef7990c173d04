"""Host of the multi-language component package (PulumiPlugin.yaml): serves the components to the Pulumi engine."""

from podpatterns.package import COMPONENTS, NAME, VERSION
from pulumi.provider.experimental import component_provider_host

if __name__ == "__main__":
    component_provider_host(name=NAME, components=COMPONENTS, version=VERSION)
