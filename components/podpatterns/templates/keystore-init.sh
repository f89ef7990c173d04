# keystore-init: each <setting>=<file> argument added to Elasticsearch's keystore from the file Vault's agent
# wrote, the value on stdin (never argv); made anew at every start in the config emptyDir.
set -eu
for entry in "$@"; do
    elasticsearch-keystore add --force --stdin "${entry%%=*}" < "${entry#*=}"
done
elasticsearch-keystore list
