// A TypeScript program on the generated SDK (tests/engine/test_sdks.py generates it into ./sdk and compiles this).
// The TLS ambassador and a log tail on a workload of the program's own, merged into its pod template; the target's
// namespace is another resource's output, the whole target an Output.
import * as pulumi from "@pulumi/pulumi";
import * as podpatterns from "@pulumi/podpatterns";

const namespace: pulumi.Output<string> = pulumi.output("shop");
const target = namespace.apply((ns) => ({
    name: "orders",
    namespace: ns,
    labels: { app: "orders" },
    appContainer: "orders",
    appPort: 8443,
    serviceName: "orders",
}));

const tls = new podpatterns.TlsAmbassador("orders-tls", { target, upstreamPort: 8080, validityHours: 720 });
const logs = new podpatterns.LogTailSidecar("orders-logs", {
    target,
    volume: "logs",
    directory: "/var/log/orders",
    files: ["access.log"],
});
const pod = new podpatterns.PodTemplateMerge("orders-pod", {
    appContainer: "orders",
    template: {
        metadata: { labels: { app: "orders" } },
        spec: {
            containers: [{ name: "orders", image: "busybox:1.36.1", volumeMounts: [{ name: "logs", mountPath: "/var/log/orders" }] }],
            volumes: [{ name: "logs", emptyDir: {} }],
        },
    },
    contributions: [tls.podContribution, logs.podContribution],
});

const rotation: pulumi.Output<string | undefined> = tls.podContribution.apply(
    (c) => c.podAnnotations?.["pod-patterns.io/tls-sha256"],
);
export const template: pulumi.Output<{ [key: string]: any }> = pod.template;
export const servicePorts = pod.servicePorts;
export const tlsHash = rotation;
