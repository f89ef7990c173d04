# preStop of Elasticsearch: runs when its pod is deleted, before the kubelet sends it SIGTERM.
# $1: Elasticsearch's HTTP URL inside the pod; $2: index.unassigned.node_left.delayed_timeout; $3: seconds to wait;
# $4: the elastic user's password file, absent with security off (es_curl: elasticsearch-curl.sh, defined before).
# Every index then waits $2 for this node to come back before its shards are copied elsewhere: a restart is not
# a loss. Set on _all just before the stop, so it also covers indices created since the last one. Then keep
# serving for $3 seconds while the endpoints controller and the proxies drop the pod.
es_curl "${4:-}" --fail --silent --show-error --max-time 5 --output /dev/null --request PUT \
  --header 'Content-Type: application/json' \
  --data "{\"index.unassigned.node_left.delayed_timeout\":\"$2\"}" "$1/_all/_settings" \
  || echo "preStop: could not set index.unassigned.node_left.delayed_timeout" >&2
sleep "$3"
