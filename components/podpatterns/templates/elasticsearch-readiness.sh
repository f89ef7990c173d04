# Readiness of an Elasticsearch node, as elastic's Helm chart does it: after the node (re)joins, ready only
# once the cluster is $2 (green; yellow for a single node, whose replicas never assign), from then on as long
# as the node answers. So a rolling update, which waits for each pod to be ready, never stops the next node
# while the cluster is still recovering. $1: Elasticsearch's HTTP URL inside the pod, never through TLS: an
# expired certificate must not make every pod unready at once. $3: the elastic user's password file, absent with
# security off (es_curl, elasticsearch-curl.sh, is defined before this script).
# The mark is per start of PID 1, in the /tmp emptyDir: a restarted container or a new pod waits again.
started="/tmp/.ready-once-$(cut -d ' ' -f 22 /proc/1/stat)"
if [ -f "$started" ]; then
  es_curl "${3:-}" --fail --silent --show-error --max-time 4 --output /dev/null "$1/_cluster/health?local=true"
  exit
fi
es_curl "${3:-}" --fail --silent --show-error --max-time 4 --output /dev/null \
  "$1/_cluster/health?wait_for_status=$2&timeout=1s" || exit 1
touch "$started"
