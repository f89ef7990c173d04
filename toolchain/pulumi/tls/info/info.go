// Package info maps the Terraform TLS provider to the Pulumi package "tls" the way the published pulumi-tls does:
// every tls_<name> resource becomes tls:index/<name>:<Name> (and data sources get<Name>), so the PyPI pulumi-tls SDK
// of the pinned version drives this binary unchanged.
package info

import (
	pf "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfbridge"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge/tokens"

	"github.com/hashicorp/terraform-provider-tls/shim"
)

// Version is the pulumi-tls release this provider stands in for, set with -X at build time.
var Version string

// Provider returns the bridge's description of the provider; metadata is bridge-metadata.json written by tfgen
// (empty JSON object when tfgen itself runs).
func Provider(metadata []byte) tfbridge.ProviderInfo {
	p := tfbridge.ProviderInfo{
		P:                              pf.ShimProvider(shim.NewProvider()),
		Name:                           "tls",
		Description:                    "A Pulumi package to create TLS resources in Pulumi programs.",
		License:                        "Apache-2.0",
		GitHubOrg:                      "hashicorp",
		Version:                        Version,
		MetadataInfo:                   tfbridge.NewProviderMetadata(metadata),
		EnableZeroDefaultSchemaVersion: true,
		EnableAccurateBridgePreview:    true,
	}
	p.MustComputeTokens(tokens.SingleModule("tls_", "index", tokens.MakeStandard("tls")))
	return p
}
