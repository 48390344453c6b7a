#!/usr/bin/env bash
# Run N replicas of the app behind nginx, with sticky sessions and websockets; stop them all on Ctrl-C / SIGTERM.
#
#   deploy/run.sh [--replicas N] [--port P] [--address A] [--replica-port Q] [--run-dir DIR]
#
# nginx listens on A:P (default 127.0.0.1:8501); replica i listens on 127.0.0.1:(Q+i-1) (default Q = P+1) and is
# reachable only through nginx. Affinity: a browser without the mapkit_replica cookie is sent to the next replica
# in turn (round robin), and every response names the replica that served it in that cookie; requests carrying
# the cookie (the page's scripts, its health polls and its websocket /_stcore/stream, where the Streamlit session
# lives) go to that replica, or to another one if it is down (the browser then reconnects to a fresh session there).
# Health: nginx takes a replica out of rotation when it refuses connections; this script polls each replica's
# /_stcore/health every 5 s and restarts a replica that has exited or not answered for 60 s.
# Logs and the generated nginx.conf live in the run directory (printed at start; kept after stop):
# nginx-access.log has one JSON line per request with the replica that served it.
# Environment: PYTHON (default .venv/bin/python, else python3), NGINX (default nginx on PATH or /usr/sbin/nginx),
# MAPKIT_DATA_DIR and MAPKIT_LOCAL_ASSETS are passed to the replicas, STREAMLIT_SERVER_COOKIE_SECRET is shared by
# them (generated per start when unset, so an upload's XSRF cookie is valid on every replica).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

replicas=2
port=8501
address=127.0.0.1
replica_port=
run_dir=
health_interval=5
health_failures_before_restart=12   # 12 x 5 s = 60 s without an answer

usage() { sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//'; }
die() { echo "deploy/run.sh: $*" >&2; exit 2; }
is_int() { [[ $1 =~ ^[0-9]+$ ]]; }

while [[ $# -gt 0 ]]; do
    case $1 in
        --replicas) replicas=${2-}; shift 2 || die "--replicas needs a number" ;;
        --port) port=${2-}; shift 2 || die "--port needs a number" ;;
        --address) address=${2-}; shift 2 || die "--address needs an address" ;;
        --replica-port) replica_port=${2-}; shift 2 || die "--replica-port needs a number" ;;
        --run-dir) run_dir=${2-}; shift 2 || die "--run-dir needs a directory" ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; die "unknown option: $1" ;;
    esac
done
is_int "$replicas" && (( replicas >= 1 && replicas <= 32 )) || die "--replicas must be 1 to 32, not '$replicas'"
is_int "$port" && (( port >= 1 && port <= 65535 )) || die "--port must be 1 to 65535, not '$port'"
replica_port=${replica_port:-$((port + 1))}
is_int "$replica_port" && (( replica_port >= 1 && replica_port + replicas - 1 <= 65535 )) \
    || die "--replica-port must leave room for $replicas ports below 65536, not '$replica_port'"
(( port < replica_port || port > replica_port + replicas - 1 )) \
    || die "--port $port collides with the replica ports $replica_port-$((replica_port + replicas - 1))"
[[ $address =~ ^[0-9A-Za-z.:_-]+$ ]] || die "--address '$address' is not an address"

NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
[[ -x $NGINX ]] || die "nginx not found: apt-get install -y nginx-light (or set NGINX=/path/to/nginx)"
command -v curl >/dev/null || die "curl not found (used for health checks): apt-get install -y curl"
if [[ -z ${PYTHON:-} ]]; then
    if [[ -x .venv/bin/python ]]; then PYTHON=.venv/bin/python; else PYTHON=python3; fi
fi
"$PYTHON" -c "import streamlit" 2>/dev/null || die "$PYTHON cannot import streamlit: pip install -r requirements.txt"

port_busy() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
port_busy "$address" "$port" && die "port $port on $address is already in use"
for ((i = 0; i < replicas; i++)); do
    port_busy 127.0.0.1 $((replica_port + i)) && die "replica port $((replica_port + i)) is already in use"
done

if [[ -z $run_dir ]]; then
    run_dir=$(mktemp -d "${TMPDIR:-/tmp}/mapkit-deploy.XXXXXX")
fi
mkdir -p "$run_dir/tmp"
run_dir=$(cd "$run_dir" && pwd)
chmod 755 "$run_dir"
if [[ $(id -u) -eq 0 ]]; then
    chown nobody "$run_dir/tmp"   # nginx's workers run as nobody when started by root; they write request bodies here
fi

export STREAMLIT_SERVER_COOKIE_SECRET=${STREAMLIT_SERVER_COOKIE_SECRET:-$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')}
local_assets=${MAPKIT_LOCAL_ASSETS:-0}

log() { echo "$(date -u +%H:%M:%S) deploy: $*" >&2; }

declare -a pids failures
nginx_pid=

start_replica() {
    local i=$1 p=$((replica_port + $1))
    "$PYTHON" -m streamlit run "$ROOT/app.py" --server.headless true --server.address 127.0.0.1 \
        --server.port "$p" --browser.gatherUsageStats false --server.fileWatcherType none \
        --server.enableStaticServing true >>"$run_dir/replica-$((i + 1)).log" 2>&1 </dev/null &
    pids[i]=$!
    failures[i]=0
    echo "${pids[i]}" >"$run_dir/replica-$((i + 1)).pid"
}

healthy() { [[ $(curl -fsS --max-time "${2:-10}" "http://$1/_stcore/health" 2>/dev/null) == ok ]]; }

stop_pid() {   # TERM, then KILL after 10 s
    local pid=$1 n
    kill -TERM "$pid" 2>/dev/null || return 0
    for ((n = 0; n < 100; n++)); do
        kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

stopping=0
stop_all() {
    [[ $stopping -eq 1 ]] && return
    stopping=1
    trap - INT TERM
    log "stopping"
    [[ -n $nginx_pid ]] && stop_pid "$nginx_pid"   # SIGTERM: nginx's fast shutdown, closing the websockets
    for pid in "${pids[@]}"; do stop_pid "$pid" & done
    wait
    rm -f "$run_dir"/*.pid "$run_dir/ready"
    log "stopped; logs in $run_dir"
}
trap 'exit 130' INT
trap 'exit 143' TERM
trap stop_all EXIT

for ((i = 0; i < replicas; i++)); do start_replica "$i"; done
log "starting $replicas replicas on 127.0.0.1:$replica_port-$((replica_port + replicas - 1)) (logs in $run_dir)"
deadline=$((SECONDS + ${MAPKIT_DEPLOY_START_TIMEOUT:-120}))
for ((i = 0; i < replicas; i++)); do
    until healthy "127.0.0.1:$((replica_port + i))" 2; do
        if ! kill -0 "${pids[i]}" 2>/dev/null; then
            tail -n 30 "$run_dir/replica-$((i + 1)).log" >&2
            die "replica $((i + 1)) exited during start (log above: $run_dir/replica-$((i + 1)).log)"
        fi
        (( SECONDS < deadline )) || die "replica $((i + 1)) not healthy after ${MAPKIT_DEPLOY_START_TIMEOUT:-120} s"
        sleep 0.5
    done
done

# --- nginx.conf ---------------------------------------------------------------------------------------------
servers() {   # the upstream lines: every replica, or one replica with the others as backups
    local only=${1-} i line
    for ((i = 0; i < replicas; i++)); do
        line="server 127.0.0.1:$((replica_port + i)) max_fails=1 fail_timeout=10s"
        if [[ -n $only && $i -ne $only ]]; then line+=" backup"; fi
        echo "        $line;"
    done
}
proxy_headers='proxy_http_version 1.1;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            add_header X-Mapkit-Replica $served_by always;
            add_header Set-Cookie $sticky_cookie;'
{
    cat <<EOF
# Generated by deploy/run.sh; $replicas replicas. Edit the script, not this file.
worker_processes 1;   # one worker holds thousands of websockets; the replicas do the work
pid $run_dir/nginx.pid;
error_log $run_dir/nginx-error.log warn;
events { worker_connections 4096; }
http {
    log_format mapkit escape=json '{"time":"\$time_iso8601","request":"\$request","status":\$status,'
        '"upstream":"\$upstream_addr","served_by":"\$served_by","cookie":"\$cookie_mapkit_replica",'
        '"seconds":\$request_time,"user_agent":"\$http_user_agent"}';
    access_log $run_dir/nginx-access.log mapkit;
    client_body_temp_path $run_dir/tmp/body;
    proxy_temp_path $run_dir/tmp/proxy;
    fastcgi_temp_path $run_dir/tmp/fastcgi;
    uwsgi_temp_path $run_dir/tmp/uwsgi;
    scgi_temp_path $run_dir/tmp/scgi;
    client_max_body_size 6m;     # .streamlit/config.toml server.maxUploadSize = 5 (MB), plus the form encoding
    server_tokens off;

    map \$http_upgrade \$connection_upgrade { default upgrade; '' close; }

    # New browsers: round robin over the healthy replicas.
    upstream replicas {
        zone replicas 64k;
$(servers)
        keepalive 16;
    }
    # Balancer health for probes without a cookie, with its own turn so probes do not skew the browsers' turns.
    upstream health {
        zone health 64k;
$(servers)
    }
EOF
    for ((i = 0; i < replicas; i++)); do
        cat <<EOF
    upstream r$((i + 1)) {   # browsers pinned to replica $((i + 1)); the others take over if it is down
        zone r$((i + 1)) 64k;
$(servers "$i")
        keepalive 16;
    }
EOF
    done
    echo '    map $cookie_mapkit_replica $pinned {'
    echo '        default replicas;'
    for ((i = 1; i <= replicas; i++)); do echo "        r$i r$i;"; done
    echo '    }'
    echo '    map $cookie_mapkit_replica $pinned_health {'
    echo '        default health;'
    for ((i = 1; i <= replicas; i++)); do echo "        r$i r$i;"; done
    echo '    }'
    echo '    map $upstream_addr $served_by {   # the last address tried is the one that answered'
    echo '        default "";'
    for ((i = 0; i < replicas; i++)); do
        echo "        ~127\\.0\\.0\\.1:$((replica_port + i))\$ r$((i + 1));"
    done
    echo '    }'
    cat <<EOF
    map \$served_by \$sticky_cookie {
        "" "";
        default "mapkit_replica=\$served_by; Path=/; HttpOnly; SameSite=Lax";
    }

    server {
        listen $address:$port;
        server_name _;
        location = /_stcore/health {
            proxy_pass http://\$pinned_health;
            $proxy_headers
            proxy_set_header Connection "";
        }
        location = /_stcore/stream {   # the Streamlit session's websocket
            proxy_pass http://\$pinned;
            $proxy_headers
            proxy_set_header Upgrade \$http_upgrade;
            proxy_set_header Connection \$connection_upgrade;
            proxy_read_timeout 1h;     # an idle map stays connected (Streamlit pings every few seconds anyway)
            proxy_send_timeout 1h;
            proxy_buffering off;
        }
        location / {
            proxy_pass http://\$pinned;
            $proxy_headers
            proxy_set_header Connection "";
        }
    }
}
EOF
} >"$run_dir/nginx.conf"

"$NGINX" -e "$run_dir/nginx-error.log" -t -q -c "$run_dir/nginx.conf" -p "$run_dir" -g 'daemon off;' 2>"$run_dir/nginx-test.log" \
    || { cat "$run_dir/nginx-test.log" >&2; die "nginx rejected $run_dir/nginx.conf (above)"; }
"$NGINX" -e "$run_dir/nginx-error.log" -c "$run_dir/nginx.conf" -p "$run_dir" -g 'daemon off;' </dev/null 2>>"$run_dir/nginx-error.log" &
nginx_pid=$!
until healthy "$address:$port" 2; do
    kill -0 "$nginx_pid" 2>/dev/null || { tail -n 20 "$run_dir/nginx-error.log" >&2; die "nginx exited (above)"; }
    (( SECONDS < deadline )) || die "nginx not answering on $address:$port"
    sleep 0.2
done
{
    echo "url http://$address:$port"
    for ((i = 0; i < replicas; i++)); do echo "replica r$((i + 1)) 127.0.0.1:$((replica_port + i))"; done
} >"$run_dir/ready"
log "ready: http://$address:$port -> $replicas replicas (run directory $run_dir)"

# --- supervise ----------------------------------------------------------------------------------------------
while true; do
    sleep "$health_interval" &
    wait $! || true
    kill -0 "$nginx_pid" 2>/dev/null || { log "nginx exited; stopping"; exit 1; }
    for ((i = 0; i < replicas; i++)); do
        if ! kill -0 "${pids[i]}" 2>/dev/null; then
            log "replica $((i + 1)) exited; restarting it"
            wait "${pids[i]}" 2>/dev/null || true
            start_replica "$i"
        elif healthy "127.0.0.1:$((replica_port + i))"; then
            (( failures[i] > 0 )) && log "replica $((i + 1)) healthy again"
            failures[i]=0
        else
            failures[i]=$((failures[i] + 1))
            log "replica $((i + 1)) health check failed (${failures[i]} in a row)"
            if (( failures[i] >= health_failures_before_restart )); then
                log "replica $((i + 1)) unresponsive for $((failures[i] * health_interval)) s; restarting it"
                stop_pid "${pids[i]}"
                start_replica "$i"
            fi
        fi
    done
done
