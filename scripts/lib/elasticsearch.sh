# Sourced by scripts/elasticsearch and scripts/test: the Elasticsearch home the tests run, built from the Maven
# project under toolchain/elasticsearch (pinned artifacts from Maven Central, our launcher, keystore command,
# entitlement agent, console stub, configuration and scripts) into a cache outside the checkout, keyed by those files,
# the Java version and the build revision. A machine that built it once only reuses it. docs/elasticsearch-build.md
# says what differs from the official image.
ELASTICSEARCH_TOOLCHAIN=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../toolchain/elasticsearch" && pwd)
# Part of the cache key: raise it when the build steps below change, so that machines rebuild.
ELASTICSEARCH_BUILD_REVISION=1
# The modules of the home and the layers each extends (its jars already there are removed from it).
ELASTICSEARCH_MODULES=(transport-netty4 x-pack-core x-pack-security)
declare -A ELASTICSEARCH_EXTENDS=([x-pack-security]=x-pack-core)

elasticsearch_cache() {
  echo "${PODPATTERNS_CACHE:-$HOME/.cache/pod-patterns}"
}

# The pinned version (the pom's elasticsearch.version).
elasticsearch_version() {
  sed -n 's:.*<elasticsearch.version>\(.*\)</elasticsearch.version>.*:\1:p' "$ELASTICSEARCH_TOOLCHAIN/pom.xml"
}

_elasticsearch_key() {
  (
    cd "$ELASTICSEARCH_TOOLCHAIN" && find . -type f -not -path '*/target/*' | LC_ALL=C sort | xargs sha256sum
    java -version 2>&1
    echo "$ELASTICSEARCH_BUILD_REVISION"
  ) | sha256sum | cut -c1-16
}

# The home's directory (it may not exist yet).
elasticsearch_home() {
  echo "$(elasticsearch_cache)/elasticsearch-$(elasticsearch_version)-$(_elasticsearch_key)"
}

# Lays out the modules Maven copied: a module keeps only the jars no layer below it has, and gets its plugin
# descriptor and entitlement policy from its own jar (where the published artifact carries them).
_elasticsearch_layout() {
  local home=$1 version module jar below
  version=$(elasticsearch_version)
  for module in "${ELASTICSEARCH_MODULES[@]}"; do
    for below in lib ${ELASTICSEARCH_EXTENDS[$module]:+modules/${ELASTICSEARCH_EXTENDS[$module]}}; do
      for jar in "$home/$below"/*.jar; do
        rm -f "$home/modules/$module/$(basename "$jar")"
      done
    done
    unzip -q -j -o "$home/modules/$module/$module-$version.jar" "META-INF/es-plugins/$module/*" \
      -d "$home/modules/$module" || return
    [ -f "$home/modules/$module/plugin-descriptor.properties" ] ||
      { echo "elasticsearch: $module-$version.jar carries no plugin descriptor" >&2; return 1; }
  done
  # Our module standing in for repository-s3's secure setting names (S3SecureSettingsPlugin.java).
  cat >"$home/modules/podpatterns-s3-secure-settings/plugin-descriptor.properties" <<DESCRIPTOR
description=The secure client setting names of repository-s3, which Maven Central does not serve (no repository type)
version=$version
name=podpatterns-s3-secure-settings
classname=io.podpatterns.elasticsearch.s3settings.S3SecureSettingsPlugin
java.version=17
elasticsearch.version=$version
DESCRIPTOR
  cp -R "$ELASTICSEARCH_TOOLCHAIN/home/bin" "$ELASTICSEARCH_TOOLCHAIN/home/config" "$home/"
  rm -f "$home/config/jvm.options.d/.keep"
  mkdir -p "$home/plugins" "$home/logs" "$home/data"
  # As in the image: the home belongs to root, readable by all; what the server writes is group 0's.
  chmod -R a+rX "$home"
  chmod 0775 "$home/logs" "$home/data" "$home/config"
}

# Builds the home unless the cache has it. Prints nothing on a warm machine.
ensure_elasticsearch() {
  local home log lock
  command -v mvn >/dev/null || { echo "elasticsearch: Maven (mvn) is not installed: apt-get install maven" >&2; return 1; }
  command -v javac >/dev/null || { echo "elasticsearch: javac is not installed: apt-get install openjdk-17-jdk-headless" >&2; return 1; }
  home=$(elasticsearch_home)
  [ -f "$home/.complete" ] && return 0
  # One build at a time per home: a second checkout waits, then reuses it (as scripts/lib/gobuild.sh does).
  mkdir -p "$(dirname "$home")"
  exec {lock}>"$home.lock"
  flock "$lock"
  if [ -f "$home/.complete" ]; then exec {lock}>&-; return 0; fi
  echo "elasticsearch: building $(elasticsearch_version) from $ELASTICSEARCH_TOOLCHAIN into $home (once per machine)" >&2
  rm -rf "$home.partial" && mkdir -p "$home.partial/src"
  log=$home.partial/build.log
  # A copy of the project, so that Maven's target/ directories never land in the checkout.
  cp -R "$ELASTICSEARCH_TOOLCHAIN/." "$home.partial/src/"
  if ! (cd "$home.partial/src" && nice -n 5 mvn -B -q -Dhome.dir="$home.partial/home" package) >>"$log" 2>&1 ||
    ! _elasticsearch_layout "$home.partial/home" >>"$log" 2>&1; then
    tail -n 30 "$log" >&2
    echo "elasticsearch: building the home failed; the whole log is $log. Check that Maven Central is reachable" >&2
    exec {lock}>&-
    return 1
  fi
  rm -rf "$home"
  mv "$home.partial/home" "$home"
  mv "$log" "$home/build.log"
  rm -rf "$home.partial"
  touch "$home/.complete"
  exec {lock}>&-
}

# For scripts/test: builds the home when the selected tests run Elasticsearch (tests_wanted: scripts/lib/cluster.sh),
# and tells them where it is. Without Maven those tests skip, except under CI=true, where a failed build stops the run.
elasticsearch_for_tests() {
  tests_wanted tests/real_elasticsearch "$@" || return 0
  if ! command -v mvn >/dev/null && [ "${CI:-}" != true ]; then
    echo "elasticsearch: Maven is not installed: the tests on the real Elasticsearch will skip" >&2
    return 0
  fi
  ensure_elasticsearch || return
  export PODPATTERNS_ELASTICSEARCH_HOME
  PODPATTERNS_ELASTICSEARCH_HOME=$(elasticsearch_home)
}
