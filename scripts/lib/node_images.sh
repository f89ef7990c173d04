# Sourced by nodes.sh: the images the real nodes run (node_images.py), built once per machine into a cache outside
# the checkout, keyed by our image files, every installed Debian package's version, the Elasticsearch home and Vault
# they hold, and the image names the library uses.
source "$(dirname "${BASH_SOURCE[0]}")/venv.sh"
source "$(dirname "${BASH_SOURCE[0]}")/elasticsearch.sh"
source "$(dirname "${BASH_SOURCE[0]}")/vault.sh"
source "$(dirname "${BASH_SOURCE[0]}")/background.sh"
NODE_IMAGES_SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

node_images_dir() {
  local key
  key=$(
    cat "$NODE_IMAGES_SCRIPTS/node_images.py" "$NODE_IMAGES_SCRIPTS/oci_image.py" "$NODE_IMAGES_SCRIPTS/nofile_limit.c"
    dpkg-query -W -f '${Package} ${Version}\n' | LC_ALL=C sort
    elasticsearch_home
    vault_bin_dir
    .venv/bin/python "$NODE_IMAGES_SCRIPTS/node_images.py" --names
  )
  echo "$(gobuild_cache)/node-images-$(echo "$key" | sha256sum | cut -c1-16)"
}

# Builds the images unless the cache has them (about a minute); prints their directory.
ensure_node_images() {
  local dir lock
  ensure_venv >&2 && ensure_elasticsearch >&2 && ensure_vault_binary >&2 || return
  dir=$(node_images_dir)
  if [ ! -f "$dir/.complete" ]; then
    mkdir -p "$(dirname "$dir")"
    exec {lock}>"$dir.lock"
    flock "$lock"
    if [ ! -f "$dir/.complete" ]; then
      echo "nodes: building the nodes' images into $dir (once per machine)" >&2
      rm -rf "$dir.partial"
      if ! nice -n 5 .venv/bin/python "$NODE_IMAGES_SCRIPTS/node_images.py" "$dir.partial" "$(elasticsearch_home)" \
        "$(vault_bin_dir)/vault" >&2; then
        exec {lock}>&-
        echo "nodes: building the images failed (above)" >&2
        return 1
      fi
      rm -rf "$dir" && mv "$dir.partial" "$dir" && touch "$dir/.complete"
    fi
    exec {lock}>&-
  fi
  echo "$dir"
}

# For scripts/test, once the Debian packages are in (their versions key the images): when the selected tests need the
# real nodes (as cluster_for_tests starts them: as root, with Go) and the cache lacks their images, builds them in the
# background, the Elasticsearch home first, then waiting for Vault's build (vault_build_in_background). Copies of
# installed files and tar writes, not compiles: they hide beside the Pulumi and control plane builds. The cluster's ensure_node_images
# waits on the lock, or builds them itself had this failed.
node_images_in_background() {
  tests_wanted tests/nodes "$@" && [ "$(id -u)" = 0 ] && command -v go >/dev/null || return 0
  [ ! -f "$(node_images_dir)/.complete" ] || return 0
  in_background "$(node_images_dir).background.log" ensure_node_images
}
