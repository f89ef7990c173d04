#!/bin/sh
# The image's entrypoint, as far as the pods use it: ES_LOG_STYLE=file puts the file logging configuration in place
# (a copy in the config directory, which is writable in a pod), then Elasticsearch starts with the arguments given.
set -e
ES_HOME=$(cd "$(dirname "$0")/.." && pwd)
config=${ES_PATH_CONF:-$ES_HOME/config}
case "${ES_LOG_STYLE:-console}" in
  console) ;;
  file) cp -f "$config/log4j2.file.properties" "$config/log4j2.properties" ;;
  *) echo "ERROR: ES_LOG_STYLE must be console or file, not '$ES_LOG_STYLE'" >&2; exit 1 ;;
esac
exec "$ES_HOME/bin/elasticsearch" "$@"
