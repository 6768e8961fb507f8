#!/usr/bin/env bash
# A real Kubernetes control plane for developing and testing Aviary, without
# containers: etcd + kube-apiserver + kube-controller-manager + kube-scheduler
# (k8s.io/kubernetes built from the Go module proxy by scripts/build-components.sh)
# and KWOK simulating 3 nodes and the pods scheduled on them.
#
#   eval "$(scripts/dev-cluster.sh up)"     # build what is missing, start, print env
#   scripts/dev-cluster.sh env              # print the env of a running cluster
#   scripts/dev-cluster.sh down             # stop every process and delete the data dir
#   scripts/dev-cluster.sh kubeconfig-for <namespace> <serviceaccount> <outfile>
#
# stdout carries only the `export ...` lines; progress and errors go to stderr.
# See docs/dev-cluster.md (ports, the never-ready pod label, limits).
#
# Env:
#   AVIARY_DEV_CLUSTER_DIR        data dir (default $HOME/.cache/aviary/dev-cluster)
#   AVIARY_DEV_CLUSTER_PORT_BASE  port base (default 26400): apiserver +43, etcd +79/+80,
#                                 kwok +47, controller-manager +57, scheduler +59
#   AVIARY_DEV_CLUSTER_NODES      number of fake nodes (default 3)
#   AVIARY_CACHE                  build cache root, see scripts/build-components.sh
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DIR=${AVIARY_DEV_CLUSTER_DIR:-$HOME/.cache/aviary/dev-cluster}
MARKER=.aviary-dev-cluster
NEVER_READY_LABEL=aviary.dev/test-never-ready

log() { printf 'dev-cluster: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

usage() {
  cat >&2 <<EOF
usage: $0 up | down | env | kubeconfig-for <namespace> <serviceaccount> <outfile>
EOF
  exit 2
}

# ---------------------------------------------------------------------------
# ports (fixed once per data dir, so env/down/up agree even if the env changes)
load_ports() {
  if [ -f "$DIR/ports.env" ]; then
    # shellcheck disable=SC1091
    . "$DIR/ports.env"
  else
    local base=${AVIARY_DEV_CLUSTER_PORT_BASE:-26400}
    APISERVER_PORT=$((base + 43))
    ETCD_PORT=$((base + 79))
    ETCD_PEER_PORT=$((base + 80))
    KWOK_PORT=$((base + 47))
    KCM_PORT=$((base + 57))
    SCHED_PORT=$((base + 59))
  fi
  SERVER="https://127.0.0.1:$APISERVER_PORT"
}

save_ports() {
  cat >"$DIR/ports.env" <<EOF
APISERVER_PORT=$APISERVER_PORT
ETCD_PORT=$ETCD_PORT
ETCD_PEER_PORT=$ETCD_PEER_PORT
KWOK_PORT=$KWOK_PORT
KCM_PORT=$KCM_PORT
SCHED_PORT=$SCHED_PORT
EOF
}

print_env() {
  local bin
  bin=$(cat "$DIR/bin-dir")
  printf 'export KUBECONFIG=%s\n' "$DIR/admin.kubeconfig"
  # shellcheck disable=SC2016 # $PATH is for the shell that evaluates this output
  printf 'export PATH=%s:$PATH\n' "$bin"
}

# ---------------------------------------------------------------------------
# processes: pid files hold "<pid> <resolved binary path>"
pid_alive() { # <name>
  local f="$DIR/pids/$1.pid" pid exe
  [ -f "$f" ] || return 1
  read -r pid exe <"$f" || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  # guard against pid reuse: the process must still run the binary we started
  [ "$(readlink -f "/proc/$pid/exe" 2>/dev/null)" = "$exe" ]
}

start_proc() { # <name> <binary> args...
  local name=$1 bin=$2; shift 2
  if pid_alive "$name"; then
    log "$name: already running (pid $(cut -d' ' -f1 "$DIR/pids/$name.pid"))"
    return 0
  fi
  local exe
  exe=$(readlink -f "$bin")
  [ -x "$exe" ] || die "$name: binary $bin not found"
  log "$name: starting (log: $DIR/logs/$name.log)"
  echo "=== $(date -u +%FT%TZ) scripts/dev-cluster.sh starts $name" >>"$DIR/logs/$name.log"
  # setsid + nohup: survive this script and its terminal; own session for clean kills.
  setsid nohup "$exe" "$@" >>"$DIR/logs/$name.log" 2>&1 </dev/null &
  local pid=$! i
  echo "$pid $exe" >"$DIR/pids/$name.pid"
  # Until setsid and nohup have exec'd the binary, /proc/<pid>/exe names them, and pid_alive would
  # call a component that is still starting dead (seen on a loaded machine): wait for the exec.
  for i in $(seq 1 100); do
    [ "$(readlink -f "/proc/$pid/exe" 2>/dev/null)" = "$exe" ] && return 0
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
}

stop_proc() { # <name>
  local name=$1 f="$DIR/pids/$1.pid" pid exe i
  [ -f "$f" ] || return 0
  read -r pid exe <"$f" || true
  if pid_alive "$name"; then
    log "$name: stopping pid $pid"
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "$name: still alive after 10s, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
    fi
  fi
  rm -f "$f"
}

fail_component() { # <name> <message>
  log "ERROR: $1: $2"
  if [ -f "$DIR/logs/$1.log" ]; then
    log "last 30 lines of $DIR/logs/$1.log:"
    tail -n 30 "$DIR/logs/$1.log" | sed 's/^/    /' >&2
  fi
  log "processes are left running for inspection; '$0 down' stops them and deletes $DIR"
  exit 1
}

# wait_for <component>[:<what>] <timeout-seconds> <command...>: poll until the command
# succeeds; fail early (with the component's log tail) if the component's process exits.
wait_for() {
  local name=${1%%:*} what="" timeout=$2
  [[ $1 == *:* ]] && what=${1#*:}
  shift 2
  local start=$SECONDS
  until "$@" >/dev/null 2>&1; do
    if [ -f "$DIR/pids/$name.pid" ] && ! pid_alive "$name"; then
      fail_component "$name" "process exited"
    fi
    if ((SECONDS - start >= timeout)); then
      fail_component "$name" "${what:-not ready} after ${timeout}s (check: $*)"
    fi
    sleep 0.5
  done
  log "$name: ${what:+$what }ready ($((SECONDS - start))s)"
}

port_free() { ! ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }

check_port() { # <name> <port>
  if ! pid_alive "$1" && ! port_free "$2"; then
    die "$1: port $2 on 127.0.0.1 is already in use by another process (set AVIARY_DEV_CLUSTER_PORT_BASE, or '$0 down' a previous cluster)"
  fi
}

# ---------------------------------------------------------------------------
# certificates, keys, tokens, kubeconfigs (generated once per data dir)
gen_pki() {
  local p="$DIR/pki"
  [ -f "$p/.complete" ] && return 0
  log "generating CA, serving certificate, service-account key and tokens"
  rm -rf "$p"
  mkdir -p "$p"
  (
    cd "$p"
    umask 077
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -keyout ca.key -out ca.crt \
      -subj "/CN=aviary-dev-ca" -addext "basicConstraints=critical,CA:TRUE" \
      -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" 2>/dev/null
    cat >apiserver.ext <<EOF
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,IP:10.96.0.1,IP:${ADVERTISE_IP},DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local
EOF
    openssl req -newkey rsa:2048 -nodes -keyout apiserver.key -out apiserver.csr -subj "/CN=kube-apiserver" 2>/dev/null
    openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 \
      -extfile apiserver.ext -out apiserver.crt 2>/dev/null
    # aggregation layer: the apiserver authenticates to extension API servers as front-proxy-client
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -keyout front-proxy-ca.key -out front-proxy-ca.crt \
      -subj "/CN=aviary-dev-front-proxy-ca" -addext "basicConstraints=critical,CA:TRUE" \
      -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" 2>/dev/null
    printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n' >client.ext
    openssl req -newkey rsa:2048 -nodes -keyout front-proxy-client.key -out front-proxy-client.csr -subj "/CN=front-proxy-client" 2>/dev/null
    openssl x509 -req -in front-proxy-client.csr -CA front-proxy-ca.crt -CAkey front-proxy-ca.key -CAcreateserial \
      -days 3650 -extfile client.ext -out front-proxy-client.crt 2>/dev/null
    openssl genrsa -out sa.key 2048 2>/dev/null
    openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
    tok() { openssl rand -hex 24; }
    # token,user,uid,"group1,group2"
    {
      echo "$(tok),aviary-admin,aviary-admin,\"system:masters\""
      echo "$(tok),system:kube-controller-manager,system:kube-controller-manager"
      echo "$(tok),system:kube-scheduler,system:kube-scheduler"
      echo "$(tok),system:kwok-controller,system:kwok-controller,\"system:masters\""
    } >tokens.csv
    rm -f ./*.csr ./*.srl
  )
  touch "$p/.complete"
}

token_of() { grep ",$1," "$DIR/pki/tokens.csv" | cut -d, -f1; }

write_kubeconfig() { # <file> <user> <token>
  local ca
  ca=$(base64 -w0 <"$DIR/pki/ca.crt")
  (
    umask 077
    cat >"$1.tmp" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: aviary-dev
  cluster:
    server: $SERVER
    certificate-authority-data: $ca
users:
- name: $2
  user:
    token: $3
contexts:
- name: aviary-dev
  context:
    cluster: aviary-dev
    user: $2
current-context: aviary-dev
EOF
  )
  mv "$1.tmp" "$1"
}

# ---------------------------------------------------------------------------
# KWOK stages: KWOK's own "fast" node/pod stages (read from the kwok module in the
# Go module cache, i.e. exactly the version built), plus Aviary's never-ready stage.
kwok_module_dir() {
  local v modcache
  v=$(awk '$1=="sigs.k8s.io/kwok"{print $2}' "$ROOT/scripts/components/kwok/go.mod")
  [ -n "$v" ] || die "kwok version not found in scripts/components/kwok/go.mod"
  modcache=${AVIARY_CACHE:-$HOME/.cache/aviary}/go/mod
  if [ ! -d "$modcache/sigs.k8s.io/kwok@$v/kustomize/stage" ]; then
    (cd "$ROOT/scripts/components/kwok" && GOMODCACHE=$modcache GOFLAGS=-mod=mod go mod download sigs.k8s.io/kwok) >&2
  fi
  echo "$modcache/sigs.k8s.io/kwok@$v"
}

write_stages() {
  local k out="$DIR/kwok-stages.yaml"
  k=$(kwok_module_dir)
  local s="$k/kustomize/stage"
  {
    cat "$s/node/fast/node-initialize.yaml"
    echo "---"
    cat "$s/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml"
    echo "---"
    # pod-ready, minus the pods that carry the never-ready label
    awk -v label="$NEVER_READY_LABEL" '
      { print }
      /^    matchExpressions:/ && !done {
        print "    - key: '"'"'.metadata.labels[\"" label "\"]'"'"'"
        print "      operator: '"'"'NotIn'"'"'"
        print "      values:"
        print "      - '"'"'true'"'"'"
        done = 1
      }' "$s/pod/fast/pod-ready.yaml"
    echo "---"
    cat "$s/pod/fast/pod-complete.yaml"
    echo "---"
    cat "$s/pod/fast/pod-delete.yaml"
    echo "---"
    cat <<EOF
# Aviary: pods labelled $NEVER_READY_LABEL=true start (phase Running, containers
# running) but never pass readiness (Ready=False, ContainersReady=False).
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: aviary-pod-running-never-ready
spec:
  resourceRef:
    apiGroup: v1
    kind: Pod
  selector:
    matchExpressions:
    - key: '.metadata.deletionTimestamp'
      operator: 'DoesNotExist'
    - key: '.metadata.labels["$NEVER_READY_LABEL"]'
      operator: 'In'
      values:
      - 'true'
    - key: '.status.phase'
      operator: 'NotIn'
      values:
      - 'Running'
  next:
    statusTemplate: |
      {{ \$now := Now }}
      conditions:
      - lastTransitionTime: {{ \$now | Quote }}
        status: "True"
        type: Initialized
      - lastTransitionTime: {{ \$now | Quote }}
        status: "True"
        type: PodScheduled
      - lastTransitionTime: {{ \$now | Quote }}
        message: 'containers with unready status: [{{ range .spec.containers }}{{ .name }} {{ end }}]'
        reason: ContainersNotReady
        status: "False"
        type: Ready
      - lastTransitionTime: {{ \$now | Quote }}
        message: 'containers with unready status: [{{ range .spec.containers }}{{ .name }} {{ end }}]'
        reason: ContainersNotReady
        status: "False"
        type: ContainersReady
      containerStatuses:
      {{ range .spec.containers }}
      - image: {{ .image | Quote }}
        name: {{ .name | Quote }}
        ready: false
        started: true
        restartCount: 0
        state:
          running:
            startedAt: {{ \$now | Quote }}
      {{ end }}
      {{ \$hostIPs := NodeIPsWith .spec.nodeName }}
      {{ with \$hostIPs }}
      hostIP: {{ index . 0 | Quote }}
      hostIPs:
      {{ range . }}
      - ip: {{ . | Quote }}
      {{ end }}
      {{ end }}
      {{ \$podIPs := PodIPsWith .spec.nodeName ( or .spec.hostNetwork false ) ( or .metadata.uid "" ) ( or .metadata.name "" ) ( or .metadata.namespace "" ) }}
      {{ with \$podIPs }}
      podIP: {{ index . 0 | Quote }}
      podIPs:
      {{ range . }}
      - ip: {{ . | Quote }}
      {{ end }}
      {{ end }}
      phase: Running
      startTime: {{ \$now | Quote }}
EOF
  } >"$out.tmp"
  grep -q "$NEVER_READY_LABEL" "$out.tmp" || die "could not patch KWOK's pod-ready stage"
  mv "$out.tmp" "$out"
}

# Audit log (<data dir>/logs/audit.log, JSON lines, Metadata level): every request with the
# authenticated user and verb, so tests can see exactly which calls a component made.
# The control plane's own lease renewals are left out (noise, several per second).
write_audit_policy() {
  cat >"$DIR/audit-policy.yaml" <<EOF
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages:
- RequestReceived
rules:
- level: None
  users:
  - system:kube-controller-manager
  - system:kube-scheduler
  - system:kwok-controller
  - system:apiserver
  resources:
  - group: coordination.k8s.io
    resources: [leases]
- level: Metadata
EOF
}

nodes_yaml() {
  local i n=${AVIARY_DEV_CLUSTER_NODES:-3}
  for ((i = 0; i < n; i++)); do
    cat <<EOF
---
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-$i
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    type: kwok
    kubernetes.io/hostname: kwok-node-$i
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    topology.kubernetes.io/zone: zone-$((i % 3))
EOF
  done
}

# The API server drops a Node's status on create, and KWOK's node-initialize stage
# gives every node the same IP and 1k CPUs; once the nodes are Ready (KWOK keeps what
# is there from then on), give each its own address and a plausible capacity.
patch_nodes() {
  local i n=${AVIARY_DEV_CLUSTER_NODES:-3} res='{"cpu":"32","memory":"256Gi","pods":"110","ephemeral-storage":"500Gi"}'
  for ((i = 0; i < n; i++)); do
    KCTL patch node "kwok-node-$i" --subresource=status --type=merge -p "{\"status\":{
      \"addresses\":[{\"type\":\"InternalIP\",\"address\":\"10.240.0.$((i + 10))\"},{\"type\":\"Hostname\",\"address\":\"kwok-node-$i\"}],
      \"capacity\":$res,\"allocatable\":$res}}" >/dev/null || fail_component kwok "could not patch the status of node kwok-node-$i"
  done
}

# ---------------------------------------------------------------------------
KCTL() { "$BIN/kubectl" --kubeconfig "$DIR/admin.kubeconfig" "$@"; }

readyz() { curl -fsS --max-time 3 --cacert "$DIR/pki/ca.crt" -H "Authorization: Bearer $(token_of aviary-admin)" "$SERVER/readyz"; }

cluster_healthy() {
  [ -f "$DIR/$MARKER" ] && [ -f "$DIR/bin-dir" ] && [ -f "$DIR/admin.kubeconfig" ] || return 1
  local n
  for n in etcd kube-apiserver kube-controller-manager kube-scheduler kwok; do
    pid_alive "$n" || return 1
  done
  readyz >/dev/null 2>&1 || return 1
  BIN=$(cat "$DIR/bin-dir")
  [ -x "$BIN/kubectl" ] || return 1
  local want=${AVIARY_DEV_CLUSTER_NODES:-3} ready
  ready=$(KCTL get nodes -l type=kwok -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' 2>/dev/null | grep -c '^True$' || true)
  [ "$ready" -ge "$want" ]
}

cmd_up() {
  load_ports
  if cluster_healthy; then
    log "already up and healthy ($DIR)"
    print_env
    return 0
  fi
  local t0=$SECONDS
  check_port etcd "$ETCD_PORT"
  check_port etcd "$ETCD_PEER_PORT"
  check_port kube-apiserver "$APISERVER_PORT"
  check_port kube-controller-manager "$KCM_PORT"
  check_port kube-scheduler "$SCHED_PORT"
  check_port kwok "$KWOK_PORT"
  BIN=$(bash "$ROOT/scripts/build-components.sh") || die "building components failed (see above)"
  { [ -n "$BIN" ] && [ -x "$BIN/kube-apiserver" ]; } || die "build-components.sh returned no usable bin dir"

  if [ -e "$DIR" ] && [ ! -f "$DIR/$MARKER" ] && [ -n "$(ls -A "$DIR" 2>/dev/null)" ]; then
    die "$DIR exists, is not empty and was not created by this script; set AVIARY_DEV_CLUSTER_DIR"
  fi
  mkdir -p "$DIR/logs" "$DIR/pids" "$DIR/etcd"
  touch "$DIR/$MARKER"
  save_ports
  echo "$BIN" >"$DIR/bin-dir"

  ADVERTISE_IP=$(ip -4 route get 1.1.1.1 2>/dev/null | awk '{for(i=1;i<NF;i++) if($i=="src"){print $(i+1); exit}}')
  ADVERTISE_IP=${ADVERTISE_IP:-127.0.0.1}
  [ -f "$DIR/advertise-ip" ] && ADVERTISE_IP=$(cat "$DIR/advertise-ip")
  echo "$ADVERTISE_IP" >"$DIR/advertise-ip"
  gen_pki
  write_kubeconfig "$DIR/admin.kubeconfig" aviary-admin "$(token_of aviary-admin)"
  write_kubeconfig "$DIR/kube-controller-manager.kubeconfig" system:kube-controller-manager "$(token_of system:kube-controller-manager)"
  write_kubeconfig "$DIR/kube-scheduler.kubeconfig" system:kube-scheduler "$(token_of system:kube-scheduler)"
  write_kubeconfig "$DIR/kwok.kubeconfig" system:kwok-controller "$(token_of system:kwok-controller)"
  write_stages
  write_audit_policy

  start_proc etcd "$BIN/etcd" \
    --name aviary-dev \
    --data-dir "$DIR/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "aviary-dev=http://127.0.0.1:$ETCD_PEER_PORT" \
    --unsafe-no-fsync \
    --quota-backend-bytes 2147483648 \
    --log-level warn
  wait_for etcd 30 curl -fsS --max-time 2 "http://127.0.0.1:$ETCD_PORT/health"

  start_proc kube-apiserver "$BIN/kube-apiserver" \
    --bind-address 127.0.0.1 \
    --secure-port "$APISERVER_PORT" \
    --advertise-address "$ADVERTISE_IP" \
    --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
    --tls-cert-file "$DIR/pki/apiserver.crt" \
    --tls-private-key-file "$DIR/pki/apiserver.key" \
    --client-ca-file "$DIR/pki/ca.crt" \
    --token-auth-file "$DIR/pki/tokens.csv" \
    --requestheader-client-ca-file "$DIR/pki/front-proxy-ca.crt" \
    --requestheader-allowed-names front-proxy-client \
    --requestheader-username-headers X-Remote-User \
    --requestheader-group-headers X-Remote-Group \
    --requestheader-extra-headers-prefix X-Remote-Extra- \
    --proxy-client-cert-file "$DIR/pki/front-proxy-client.crt" \
    --proxy-client-key-file "$DIR/pki/front-proxy-client.key" \
    --enable-aggregator-routing=true \
    --audit-policy-file "$DIR/audit-policy.yaml" \
    --audit-log-path "$DIR/logs/audit.log" \
    --audit-log-format json \
    --audit-log-mode blocking \
    --audit-log-maxsize 500 \
    --audit-log-maxbackup 1 \
    --authorization-mode Node,RBAC \
    --enable-admission-plugins NamespaceLifecycle,LimitRanger,ServiceAccount,DefaultStorageClass,DefaultTolerationSeconds,NodeRestriction,Priority,ResourceQuota,MutatingAdmissionWebhook,ValidatingAdmissionWebhook,ValidatingAdmissionPolicy \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$DIR/pki/sa.pub" \
    --service-account-signing-key-file "$DIR/pki/sa.key" \
    --service-cluster-ip-range 10.96.0.0/16 \
    --allow-privileged=true \
    --profiling=false \
    --v=1
  wait_for kube-apiserver 120 readyz

  # Client QPS and sync workers above the defaults (20 QPS, 5 workers): with them, a thousand Deployments
  # waited ten minutes for their ReplicaSets and pods (bench/controller).
  start_proc kube-controller-manager "$BIN/kube-controller-manager" \
    --kubeconfig "$DIR/kube-controller-manager.kubeconfig" \
    --authentication-kubeconfig "$DIR/kube-controller-manager.kubeconfig" \
    --authorization-kubeconfig "$DIR/kube-controller-manager.kubeconfig" \
    --bind-address 127.0.0.1 \
    --secure-port "$KCM_PORT" \
    --controllers '*' \
    --use-service-account-credentials \
    --service-account-private-key-file "$DIR/pki/sa.key" \
    --root-ca-file "$DIR/pki/ca.crt" \
    --cluster-signing-cert-file "$DIR/pki/ca.crt" \
    --cluster-signing-key-file "$DIR/pki/ca.key" \
    --cluster-name aviary-dev \
    --leader-elect=false \
    --kube-api-qps 200 \
    --kube-api-burst 400 \
    --concurrent-deployment-syncs 20 \
    --concurrent-replicaset-syncs 20 \
    --profiling=false \
    --v=1
  start_proc kube-scheduler "$BIN/kube-scheduler" \
    --kubeconfig "$DIR/kube-scheduler.kubeconfig" \
    --authentication-kubeconfig "$DIR/kube-scheduler.kubeconfig" \
    --authorization-kubeconfig "$DIR/kube-scheduler.kubeconfig" \
    --bind-address 127.0.0.1 \
    --secure-port "$SCHED_PORT" \
    --kube-api-qps 200 \
    --kube-api-burst 400 \
    --leader-elect=false \
    --profiling=false \
    --v=1
  start_proc kwok "$BIN/kwok" \
    --kubeconfig "$DIR/kwok.kubeconfig" \
    --config "$DIR/kwok-stages.yaml" \
    --manage-all-nodes=false \
    --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake \
    --node-lease-duration-seconds 40 \
    --cidr 10.244.0.0/16 \
    --server-address "127.0.0.1:$KWOK_PORT"
  wait_for kube-controller-manager 90 curl -kfsS --max-time 2 "https://127.0.0.1:$KCM_PORT/healthz"
  wait_for kube-scheduler 90 curl -kfsS --max-time 2 "https://127.0.0.1:$SCHED_PORT/healthz"
  wait_for kwok 60 curl -fsS --max-time 2 "http://127.0.0.1:$KWOK_PORT/healthz"

  nodes_yaml | KCTL apply -f - >&2 || fail_component kwok "could not create the fake Node objects"
  wait_for "kwok:nodes" 90 KCTL wait --for=condition=Ready node -l type=kwok --timeout=5s
  patch_nodes
  # Pods need the namespace's default ServiceAccount (serviceaccount controller).
  wait_for "kube-controller-manager:default ServiceAccount" 60 KCTL -n default get serviceaccount default
  log "up in $((SECONDS - t0))s: apiserver $SERVER, data dir $DIR"
  print_env
}

cmd_env() {
  load_ports
  { [ -f "$DIR/$MARKER" ] && [ -f "$DIR/bin-dir" ]; } || die "no dev cluster in $DIR; run '$0 up'"
  if ! readyz >/dev/null 2>&1; then
    log "warning: the apiserver at $SERVER is not ready; run '$0 up'"
  fi
  print_env
}

cmd_down() {
  if [ ! -e "$DIR" ]; then
    log "nothing to do: $DIR does not exist"
    return 0
  fi
  [ -f "$DIR/$MARKER" ] || die "$DIR was not created by this script (no $MARKER); not touching it"
  local n
  for n in kwok kube-scheduler kube-controller-manager kube-apiserver etcd; do
    stop_proc "$n"
  done
  rm -rf "$DIR"
  log "stopped and removed $DIR"
}

cmd_kubeconfig_for() { # <namespace> <serviceaccount> <outfile>
  [ $# -eq 3 ] || usage
  load_ports
  [ -f "$DIR/bin-dir" ] || die "no dev cluster in $DIR; run '$0 up'"
  BIN=$(cat "$DIR/bin-dir")
  local token
  token=$(KCTL -n "$1" create token "$2" --duration 24h) || die "could not create a token for serviceaccount $1/$2"
  write_kubeconfig "$3" "system:serviceaccount:$1:$2" "$token"
  # a namespace default for kubectl
  "$BIN/kubectl" --kubeconfig "$3" config set-context --current --namespace "$1" >/dev/null
  log "wrote $3 (serviceaccount $1/$2, token valid 24h)"
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  env) cmd_env ;;
  kubeconfig-for) shift; cmd_kubeconfig_for "$@" ;;
  *) usage ;;
esac
