// Command coredns is CoreDNS with only the plugins the local cluster's DNS uses: the kubernetes plugin answers
// cluster.local from the API server, bind keeps it to one address, errors and cache as in a cluster's Corefile,
// health and ready for the scripts that start it. No forward: these machines reach no DNS beyond the cluster.
package main

import (
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/coremain"

	_ "github.com/coredns/coredns/plugin/bind"
	_ "github.com/coredns/coredns/plugin/cache"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/health"
	_ "github.com/coredns/coredns/plugin/kubernetes"
	_ "github.com/coredns/coredns/plugin/ready"
)

// The plugins in the order a query passes them (the order of CoreDNS's plugin.cfg).
func init() {
	dnsserver.Directives = []string{"bind", "ready", "health", "errors", "cache", "kubernetes"}
}

func main() {
	coremain.Run()
}
