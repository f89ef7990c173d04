// Command pulumi-tfgen-tls writes the package schema and bridge-metadata.json that pulumi-resource-tls embeds
// (run by scripts/lib/pulumi.sh as `pulumi-tfgen-tls schema --out DIR`).
package main

import (
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfgen"

	"podpatterns.local/toolchain/pulumi/tls/info"
)

func main() {
	tfgen.Main("tls", info.Provider([]byte("{}")))
}
