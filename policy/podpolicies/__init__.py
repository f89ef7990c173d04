"""Policies as pure functions over Kubernetes objects (camelCase JSON, as Pulumi hands them to policies).

Each check returns the violations it finds as sentences; `pack` wraps them into CrossGuard policies.
"""
