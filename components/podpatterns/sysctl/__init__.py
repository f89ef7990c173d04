"""SysctlInit: sysctls for a pod, namespaced ones in its securityContext, node-level ones by a privileged init."""
