#!/usr/bin/env bash
# Builds wdrbe and runs it on the embedded store in ./wdrbe-data, with a
# development JWT secret kept there; prints a ready token and curl line.
# Stop it with Ctrl-C (SIGINT: a graceful shutdown).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target wdrbe

data_dir=${WDRBE_DATA_DIR:-./wdrbe-data}
listen=${WDRBE_LISTEN:-127.0.0.1:8080}
mkdir -p -m 700 "$data_dir"  # private, as the server makes it
if [[ -z ${WDRBE_JWT_SECRET:-} && -z ${WDRBE_JWT_SECRET_FILE:-} ]]; then
  secret_file="$data_dir/dev-jwt-secret"
  [[ -f $secret_file ]] || (umask 077 && openssl rand -hex 32 >"$secret_file")
  export WDRBE_JWT_SECRET_FILE=$secret_file
  echo "development JWT secret: $secret_file (set WDRBE_JWT_SECRET for a real one)"
fi

token=$(build/wdrbe token --sub demo-user --ttl 86400)
cat <<TXT

  wdrbe is starting on http://$listen  (data: $data_dir)
  A token for user 'demo-user', valid 24 hours:

    export TOKEN=$token

  Try it:
    curl -s -X POST http://$listen/users/demo-user/items \\
      -H "Authorization: Bearer \$TOKEN" -H 'Content-Type: application/json' \\
      -d '{"name":"Navy Blazer","category":"outerwear","season":"autumn"}'
    curl -s http://$listen/users/demo-user/items -H "Authorization: Bearer \$TOKEN"

  The wardrobe page: http://$listen/  (paste the token)
  The API reference: http://$listen/docs

TXT
exec build/wdrbe serve --listen "$listen" --data-dir "$data_dir"
