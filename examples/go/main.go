// A web service that is not Elasticsearch, extended through its pod by the pod-patterns components, in Go on the
// SDK that `pulumi install` generates from the package: examples/typescript's program (read its comments), the same
// objects.
package main

import (
	_ "embed"
	"encoding/json"
	"fmt"

	appsv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apps/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"example.com/pulumi-podpatterns/sdk/go/podpatterns"
)

//go:embed nginx.conf
var nginxConf string

const (
	name                         = "web"
	appPort, statusPort, tlsPort = 8080, 8081, 8443 // nginx.conf's ports, and the ambassador's
	user                         = 101              // nginx-unprivileged's nginx user
	logDir                       = "/var/log/nginx"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, "")
		labels := pulumi.StringMap{"app.kubernetes.io/name": pulumi.String(name)}
		shop, err := corev1.NewNamespace(ctx, "shop", &corev1.NamespaceArgs{Metadata: &metav1.ObjectMetaArgs{
			Name:   pulumi.String(orDefault(cfg.Get("namespace"), "web")),
			Labels: pulumi.StringMap{"pod-security.kubernetes.io/enforce": pulumi.String("restricted")},
		}})
		if err != nil {
			return err
		}
		// The namespace is the program's own: every object below depends on it through its name, an Output.
		namespace := shop.Metadata.Name().Elem()
		metadata := &metav1.ObjectMetaArgs{Name: pulumi.String(name), Namespace: namespace, Labels: labels}
		target := namespace.ApplyT(func(ns string) podpatterns.WorkloadTarget {
			return podpatterns.WorkloadTarget{
				Name: name, Namespace: ns, Labels: map[string]string{"app.kubernetes.io/name": name},
				AppContainer: name, AppPort: tlsPort, ServiceName: name,
			}
		}).(podpatterns.WorkloadTargetOutput)

		tls, err := podpatterns.NewTlsAmbassador(ctx, "web-tls", &podpatterns.TlsAmbassadorArgs{
			Target: target, UpstreamPort: pulumi.Int(appPort), HealthPath: pulumi.String("/healthz"),
		})
		if err != nil {
			return err
		}
		logs, err := podpatterns.NewLogTailSidecar(ctx, "web-logs", &podpatterns.LogTailSidecarArgs{
			Target: target, Volume: pulumi.String("logs"), Directory: pulumi.String(logDir),
			Files: pulumi.StringArray{pulumi.String("access.log"), pulumi.String("error.log")}, RunAsUser: pulumi.Int(user),
		})
		if err != nil {
			return err
		}
		metrics, err := podpatterns.NewPrometheusAdapter(ctx, "web-metrics", &podpatterns.PrometheusAdapterArgs{
			Target: target, Image: pulumi.String("docker.io/nginx/nginx-prometheus-exporter:1.4.1"),
			Port: pulumi.Int(9113), UpstreamPort: pulumi.Int(statusPort), HealthPath: pulumi.String("/"),
			Args: pulumi.StringArray{
				pulumi.String(fmt.Sprintf("--nginx.scrape-uri=http://127.0.0.1:%d/stub_status", statusPort)),
				pulumi.String("--web.listen-address=:9113"),
			},
		})
		if err != nil {
			return err
		}
		sysctl, err := podpatterns.NewSysctlInit(ctx, "web-sysctl", &podpatterns.SysctlInitArgs{
			Target: target, Sysctls: pulumi.StringArray{pulumi.String("net.ipv4.tcp_keepalive_time=600")},
		})
		if err != nil {
			return err
		}
		pod, err := podpatterns.NewPodTemplateMerge(ctx, "web-pod", &podpatterns.PodTemplateMergeArgs{
			AppContainer: pulumi.String(name),
			Template:     podTemplate(),
			Contributions: podpatterns.PodContributionDataArray{
				tls.PodContribution, logs.PodContribution, metrics.PodContribution, sysctl.PodContribution,
			},
		})
		if err != nil {
			return err
		}

		configMap, err := corev1.NewConfigMap(ctx, "web-nginx", &corev1.ConfigMapArgs{
			Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(name + "-nginx"), Namespace: namespace, Labels: labels},
			Data:     pulumi.StringMap{"nginx.conf": pulumi.String(nginxConf)},
		})
		if err != nil {
			return err
		}
		// The package's schema types the merged template and ports as objects; they are Kubernetes' own.
		template := pod.Template.ApplyT(func(t map[string]any) (*corev1.PodTemplateSpec, error) {
			return decode[corev1.PodTemplateSpec](t)
		}).(corev1.PodTemplateSpecPtrOutput)
		ports := pod.ServicePorts.ApplyT(func(p []map[string]any) ([]corev1.ServicePort, error) {
			out, err := decode[[]corev1.ServicePort](p)
			return *out, err
		}).(corev1.ServicePortArrayOutput)
		_, err = appsv1.NewDeployment(ctx, "web", &appsv1.DeploymentArgs{
			Metadata: metadata,
			Spec: &appsv1.DeploymentSpecArgs{
				Replicas: pulumi.Int(max(cfg.GetInt("replicas"), 1)),
				Selector: &metav1.LabelSelectorArgs{MatchLabels: labels},
				Template: template.Elem(),
			},
		}, pulumi.DependsOn([]pulumi.Resource{configMap, tls}))
		if err != nil {
			return err
		}
		_, err = corev1.NewService(ctx, "web", &corev1.ServiceArgs{
			Metadata: metadata,
			Spec:     &corev1.ServiceSpecArgs{Selector: labels, Ports: ports},
		})
		if err != nil {
			return err
		}
		ctx.Export("url", pulumi.Sprintf("https://%s.%s.svc:%d", name, namespace, tlsPort))
		ctx.Export("caCertificate", tls.CaCertificate)
		ctx.Export("templateHash", pod.Template.ApplyT(func(t map[string]any) string {
			annotations, _ := t["metadata"].(map[string]any)["annotations"].(map[string]any)
			hash, _ := annotations["pod-patterns.io/tls-sha256"].(string)
			return hash
		}))
		return nil
	})
}

// podTemplate is the program's own pod template: nginx, its configuration, a scratch and a log volume.
func podTemplate() pulumi.Map {
	str := func(s string) pulumi.String { return pulumi.String(s) }
	return pulumi.Map{
		"metadata": pulumi.Map{"labels": pulumi.StringMap{"app.kubernetes.io/name": str(name)}},
		"spec": pulumi.Map{
			"securityContext": pulumi.Map{"fsGroup": pulumi.Int(user)},
			"containers": pulumi.Array{pulumi.Map{
				"name":  str(name),
				"image": str("docker.io/nginxinc/nginx-unprivileged:1.27.3-alpine"),
				"volumeMounts": pulumi.Array{
					pulumi.Map{"name": str("nginx-conf"), "mountPath": str("/etc/nginx/nginx.conf"),
						"subPath": str("nginx.conf"), "readOnly": pulumi.Bool(true)},
					pulumi.Map{"name": str("tmp"), "mountPath": str("/tmp")},
					pulumi.Map{"name": str("logs"), "mountPath": str(logDir)},
				},
				"resources": pulumi.Map{
					"requests": pulumi.StringMap{"cpu": str("50m"), "memory": str("32Mi")},
					"limits":   pulumi.StringMap{"cpu": str("200m"), "memory": str("64Mi")},
				},
				"securityContext": pulumi.Map{
					"runAsNonRoot": pulumi.Bool(true), "runAsUser": pulumi.Int(user), "runAsGroup": pulumi.Int(user),
					"readOnlyRootFilesystem": pulumi.Bool(true), "allowPrivilegeEscalation": pulumi.Bool(false),
					"capabilities":   pulumi.Map{"drop": pulumi.StringArray{str("ALL")}},
					"seccompProfile": pulumi.Map{"type": str("RuntimeDefault")},
				},
			}},
			"volumes": pulumi.Array{
				pulumi.Map{"name": str("nginx-conf"), "configMap": pulumi.Map{"name": str(name + "-nginx")}},
				pulumi.Map{"name": str("tmp"), "emptyDir": pulumi.Map{"sizeLimit": str("64Mi")}},
				pulumi.Map{"name": str("logs"), "emptyDir": pulumi.Map{"sizeLimit": str("256Mi")}},
			},
		},
	}
}

// decode reads Kubernetes JSON into the kubernetes SDK's type for it (encoding/json matches its field names).
func decode[T any](value any) (*T, error) {
	data, err := json.Marshal(value)
	if err != nil {
		return nil, err
	}
	var out T
	return &out, json.Unmarshal(data, &out)
}

func orDefault(value, fallback string) string {
	if value == "" {
		return fallback
	}
	return value
}
