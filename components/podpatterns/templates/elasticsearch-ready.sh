# Readiness with security on: curl as elastic, the password from Vault's file sent as curl configuration on
# stdin (printf is a builtin), never on a command line. Arguments: <password file> <curl arguments>...
password=$(sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' "$1") || exit 1
shift
printf 'user = "elastic:%s"\n' "$password" | curl --config - "$@"
