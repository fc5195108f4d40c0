# Shared by run.sh and test.sh: install Azurite from package-lock.json and run it on 127.0.0.1.
# shellcheck shell=bash

ensure_node_modules() {
  if [ ! -x node_modules/.bin/azurite ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "Installing Azurite (npm ci)..."
    npm ci --prefer-offline --no-audit --no-fund --loglevel=error >/dev/null || { echo "npm ci failed" >&2; return 1; }
  fi
}

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

wait_for_port() {
  local port=$1 i
  for i in $(seq 1 150); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  return 1
}

# start_azurite BLOB QUEUE TABLE: in-memory Azurite on 127.0.0.1; sets AZURITE_PID and AZURITE_CONNECTION.
start_azurite() {
  local blob=$1 queue=$2 table=$3 port
  for port in "$blob" "$queue" "$table"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "Port $port on 127.0.0.1 is already in use (another Azurite?). Stop it and try again." >&2
      return 1
    fi
  done
  AZURITE_WORKDIR=$(mktemp -d)
  node_modules/.bin/azurite --silent --inMemoryPersistence --skipApiVersionCheck --disableProductStyleUrl --disableTelemetry \
    --blobHost 127.0.0.1 --blobPort "$blob" \
    --queueHost 127.0.0.1 --queuePort "$queue" \
    --tableHost 127.0.0.1 --tablePort "$table" >"$AZURITE_WORKDIR/azurite.log" 2>&1 &
  AZURITE_PID=$!
  for port in "$blob" "$queue" "$table"; do
    if ! wait_for_port "$port"; then
      echo "Azurite did not start; its log:" >&2
      cat "$AZURITE_WORKDIR/azurite.log" >&2
      stop_azurite
      return 1
    fi
  done
  # Azurite's well-known development account (public, documented by Microsoft; not a secret).
  local key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
  AZURITE_CONNECTION="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$blob/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue/devstoreaccount1;TableEndpoint=http://127.0.0.1:$table/devstoreaccount1;"
  export AZURITE_CONNECTION
}

stop_azurite() {
  if [ -n "${AZURITE_PID:-}" ]; then
    kill "$AZURITE_PID" 2>/dev/null || true
    wait "$AZURITE_PID" 2>/dev/null || true
    AZURITE_PID=
  fi
  if [ -n "${AZURITE_WORKDIR:-}" ]; then rm -rf "$AZURITE_WORKDIR"; AZURITE_WORKDIR=; fi
}
