"""LogTailSidecar: streams an application's log files to stdout from a sidecar, one container per file."""
