// Command pulumi-resource-tls serves the bridged Terraform TLS provider. The build copies the schema and
// bridge-metadata.json that pulumi-tfgen-tls wrote beside this file before compiling it.
package main

import (
	"context"
	_ "embed"

	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfbridge"

	"podpatterns.local/toolchain/pulumi/tls/info"
)

//go:embed schema.json
var schema []byte

//go:embed bridge-metadata.json
var metadata []byte

func main() {
	tfbridge.Main(context.Background(), "tls", info.Provider(metadata), tfbridge.ProviderMetadata{PackageSchema: schema})
}
