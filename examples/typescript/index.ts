// A web service that is not Elasticsearch, extended through its pod by the pod-patterns components, in TypeScript
// on the SDK that `pulumi install` generates from the package (examples/go is the same program in Go).
//
// A stock nginx serves static pages, configured by nginx.conf. The program makes its namespace, ConfigMap,
// Deployment and Service itself; the patterns hand out their pod contributions, and PodTemplateMerge merges them into
// the program's pod template with the same checks as ElasticsearchApp (a container, port or volume two parties claim
// fails the update, naming both):
// - TlsAmbassador: clients reach the pod over TLS on 8443 only; nginx listens on 127.0.0.1:8080.
// - LogTailSidecar: nginx writes access.log and error.log to a shared volume; tailers stream them to stdout.
// - PrometheusAdapter: nginx-prometheus-exporter turns nginx's stub_status (127.0.0.1:8081) into /metrics.
// - SysctlInit: a safe namespaced sysctl in the pod's securityContext (no privilege).
import * as fs from "fs";
import * as path from "path";

import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as podpatterns from "@pulumi/podpatterns";

const config = new pulumi.Config();
const name = "web";
const labels = { "app.kubernetes.io/name": name };
const [appPort, statusPort, tlsPort] = [8080, 8081, 8443]; // nginx.conf's ports, and the ambassador's
const user = 101; // nginx-unprivileged's nginx user
const logDir = "/var/log/nginx";

const nginxConf = fs.readFileSync(path.join(__dirname, "nginx.conf"), "utf8");

// The namespace is the program's own: every object below depends on it through its name, an Output.
const shop = new k8s.core.v1.Namespace("shop", {
    metadata: {
        name: config.get("namespace") ?? "web",
        labels: { "pod-security.kubernetes.io/enforce": "restricted" },
    },
});
const namespace = shop.metadata.name;
const metadata = { name, namespace, labels };
const target = { name, namespace, labels, appContainer: name, appPort: tlsPort, serviceName: name };

const tls = new podpatterns.TlsAmbassador("web-tls", { target, upstreamPort: appPort, healthPath: "/healthz" });
const logs = new podpatterns.LogTailSidecar("web-logs", {
    target,
    volume: "logs",
    directory: logDir,
    files: ["access.log", "error.log"],
    runAsUser: user,
});
const metrics = new podpatterns.PrometheusAdapter("web-metrics", {
    target,
    image: "docker.io/nginx/nginx-prometheus-exporter:1.4.1",
    port: 9113,
    upstreamPort: statusPort,
    args: [`--nginx.scrape-uri=http://127.0.0.1:${statusPort}/stub_status`, "--web.listen-address=:9113"],
    healthPath: "/",
});
const sysctl = new podpatterns.SysctlInit("web-sysctl", { target, sysctls: ["net.ipv4.tcp_keepalive_time=600"] });

const pod = new podpatterns.PodTemplateMerge("web-pod", {
    appContainer: name,
    template: {
        metadata: { labels },
        spec: {
            securityContext: { fsGroup: user },
            containers: [
                {
                    name,
                    image: "docker.io/nginxinc/nginx-unprivileged:1.27.3-alpine",
                    volumeMounts: [
                        { name: "nginx-conf", mountPath: "/etc/nginx/nginx.conf", subPath: "nginx.conf", readOnly: true },
                        { name: "tmp", mountPath: "/tmp" },
                        { name: "logs", mountPath: logDir },
                    ],
                    resources: { requests: { cpu: "50m", memory: "32Mi" }, limits: { cpu: "200m", memory: "64Mi" } },
                    securityContext: {
                        runAsNonRoot: true,
                        runAsUser: user,
                        runAsGroup: user,
                        readOnlyRootFilesystem: true,
                        allowPrivilegeEscalation: false,
                        capabilities: { drop: ["ALL"] },
                        seccompProfile: { type: "RuntimeDefault" },
                    },
                },
            ],
            volumes: [
                { name: "nginx-conf", configMap: { name: `${name}-nginx` } },
                { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
                { name: "logs", emptyDir: { sizeLimit: "256Mi" } },
            ],
        },
    },
    contributions: [tls.podContribution, logs.podContribution, metrics.podContribution, sysctl.podContribution],
});

const configMap = new k8s.core.v1.ConfigMap("web-nginx", {
    metadata: { ...metadata, name: `${name}-nginx` },
    data: { "nginx.conf": nginxConf },
});
new k8s.apps.v1.Deployment(
    "web",
    {
        metadata,
        spec: {
            replicas: config.getNumber("replicas") ?? 1,
            selector: { matchLabels: labels },
            template: pod.template,
        },
    },
    { dependsOn: [configMap, tls] },
);
// The package's schema types the merged template and ports as objects; they are Kubernetes' own.
const ports = pod.servicePorts as pulumi.Output<k8s.types.input.core.v1.ServicePort[]>;
new k8s.core.v1.Service("web", { metadata, spec: { selector: labels, ports } });

export const url = pulumi.interpolate`https://${name}.${namespace}.svc:${tlsPort}`;
export const caCertificate = tls.caCertificate;
export const templateHash = pod.template.apply((t) => t.metadata?.annotations?.["pod-patterns.io/tls-sha256"]);
