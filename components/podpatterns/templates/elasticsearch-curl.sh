# es_curl PASSWORD_FILE CURL_ARGUMENTS...: curl to Elasticsearch inside the pod. With a password file (security
# on: the bootstrap password Vault's agent wrote) as the elastic user, the password sent to curl as configuration
# on stdin (printf is a builtin), never on a command line; with an empty one, anonymously (security off).
es_curl() {
  password_file=$1
  shift
  if [ -z "$password_file" ]; then
    curl "$@"
    return
  fi
  password=$(sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' "$password_file") || return 1
  printf 'user = "elastic:%s"\n' "$password" | curl --config - "$@"
}
