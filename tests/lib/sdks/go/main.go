// A Go program on the generated SDK (tests/engine/test_sdks.py generates it into ./sdk and builds this): the TLS
// ambassador and a log tail on a workload of the program's own, merged into its pod template; the whole target
// depends on another resource's output.
package main

import (
	"example.com/pulumi-podpatterns/sdk/go/podpatterns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		namespace := pulumi.String("shop").ToStringOutput()
		target := namespace.ApplyT(func(ns string) podpatterns.WorkloadTarget {
			return podpatterns.WorkloadTarget{
				Name: "orders", Namespace: ns, Labels: map[string]string{"app": "orders"},
				AppContainer: "orders", AppPort: 8443, ServiceName: "orders",
			}
		}).(podpatterns.WorkloadTargetOutput)
		tls, err := podpatterns.NewTlsAmbassador(ctx, "orders-tls", &podpatterns.TlsAmbassadorArgs{
			Target: target, UpstreamPort: pulumi.Int(8080), ValidityHours: pulumi.Int(720),
		})
		if err != nil {
			return err
		}
		logs, err := podpatterns.NewLogTailSidecar(ctx, "orders-logs", &podpatterns.LogTailSidecarArgs{
			Target: target, Volume: pulumi.String("logs"), Directory: pulumi.String("/var/log/orders"),
			Files: pulumi.StringArray{pulumi.String("access.log")},
		})
		if err != nil {
			return err
		}
		pod, err := podpatterns.NewPodTemplateMerge(ctx, "orders-pod", &podpatterns.PodTemplateMergeArgs{
			AppContainer: pulumi.String("orders"),
			Template: pulumi.Map{
				"metadata": pulumi.Map{"labels": pulumi.StringMap{"app": pulumi.String("orders")}},
				"spec": pulumi.Map{
					"containers": pulumi.Array{pulumi.Map{
						"name": pulumi.String("orders"), "image": pulumi.String("busybox:1.36.1"),
						"volumeMounts": pulumi.Array{pulumi.Map{
							"name": pulumi.String("logs"), "mountPath": pulumi.String("/var/log/orders"),
						}},
					}},
					"volumes": pulumi.Array{pulumi.Map{"name": pulumi.String("logs"), "emptyDir": pulumi.Map{}}},
				},
			},
			Contributions: podpatterns.PodContributionDataArray{tls.PodContribution, logs.PodContribution},
		})
		if err != nil {
			return err
		}
		ctx.Export("template", pod.Template)
		ctx.Export("servicePorts", pod.ServicePorts)
		ctx.Export("tlsHash", tls.PodContribution.PodAnnotations().MapIndex(pulumi.String("pod-patterns.io/tls-sha256")))
		return nil
	})
}
