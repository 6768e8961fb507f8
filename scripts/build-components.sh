#!/usr/bin/env bash
# Build the pinned dev-cluster components (kube-apiserver, kube-controller-manager,
# kube-scheduler, kubectl, etcd, etcdctl, kwok, helm, istioctl, traefik, skipper, flagger, knative-serving) from the Go module
# proxy into a cache outside the repository.
#
#   BIN=$(bash scripts/build-components.sh)
#
# Each component is a tiny Go module under scripts/components/<name>/ whose go.mod
# lists the binaries as `tool` directives and pins every version (go.sum included).
# No upstream source lives in this repository.
#
# Layout under ${AVIARY_CACHE:-$HOME/.cache/aviary}:
#   go/mod, go/build                         GOMODCACHE / GOCACHE (reused across runs)
#   components/by-component/<name>-<key>/bin binaries of one component; <key> is a hash of
#                                            its go.mod + go.sum + Go version + build flags
#   components/<setkey>/bin                  symlinks to all of the above: this path is
#                                            printed on stdout (the only stdout output)
#   components/logs/<name>-<key>.log         go build output of the last attempt
#
# Only components whose key directory is missing/incomplete are built; a changed
# go.mod/go.sum or Go version gives a new key and therefore a rebuild. Builds go to a
# temporary directory and are renamed into place, so killing the script at any point
# is safe; rerunning resumes. Components build one after another; each `go build`
# uses all cores (-p defaults to GOMAXPROCS).
#
# Env: AVIARY_CACHE (cache root), AVIARY_COMPONENTS (space-separated subset to build,
#      default: all), GOTOOLCHAIN is honoured as usual.
set -euo pipefail
shopt -s inherit_errexit

log() { printf 'build-components: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
COMPONENTS_DIR="$ROOT/scripts/components"
CACHE=${AVIARY_CACHE:-$HOME/.cache/aviary}
# Longest build first: kubernetes takes ~20+ minutes cold on 2 cores.
ALL_COMPONENTS="kubernetes istioctl traefik skipper helm etcd kwok flagger knative-serving"
COMPONENTS=${AVIARY_COMPONENTS:-$ALL_COMPONENTS}
BUILD_FLAGS=(-trimpath)
LDFLAGS="-s -w"

command -v go >/dev/null || die "go is not on PATH"
mkdir -p "$CACHE/go/mod" "$CACHE/go/build" "$CACHE/components/by-component" "$CACHE/components/logs"

export GOMODCACHE="$CACHE/go/mod"
export GOCACHE="$CACHE/go/build"
export GOFLAGS="-mod=readonly -buildvcs=false"
export GOWORK=off
export CGO_ENABLED=${CGO_ENABLED:-0}

# One build at a time per cache (a second caller waits instead of racing).
exec 9>"$CACHE/components/.lock"
if ! flock -n 9; then
  log "another build-components.sh is running on $CACHE; waiting for it"
  flock 9
fi

# Leftovers of a run that was killed mid-build (we hold the lock, so none is in use).
rm -rf "$CACHE/components/by-component"/.tmp-* "$CACHE/components"/.tmp-set-*

GOVERSION=$(go env GOVERSION)

component_key() { # <name>
  local d="$COMPONENTS_DIR/$1"
  {
    # The extra ldflags are a function of go.mod/go.sum; hashing the function's text
    # (rather than its output) keeps key computation offline and cheap.
    printf 'component=%s\ngo=%s\nflags=%s\nldflags=%s\ncgo=%s\n' "$1" "$GOVERSION" "${BUILD_FLAGS[*]}" \
      "$LDFLAGS" "$CGO_ENABLED"
    declare -f ldflags_for
    cat "$d/go.mod" "$d/go.sum"
    # Extra Go files (e.g. tools.go, or knative-serving/cmd/*: small mains of its own).
    find "$d" -name '*.go' -print0 | sort -z | xargs -0r cat
  } | sha256sum | cut -c1-16
}

# Package paths listed as `tool` directives in a go.mod.
component_tools() { # <name>
  (cd "$COMPONENTS_DIR/$1" && go mod edit -json) |
    python3 -c 'import json,sys; [print(t["Path"]) for t in (json.load(sys.stdin).get("Tool") or [])]'
}

# Binary name of a main package path (go would call go.etcd.io/etcd/server/v3 "server").
bin_name() { # <pkg>
  case "$1" in
    go.etcd.io/etcd/server/v3) echo etcd ;;
    go.etcd.io/etcd/etcdctl/v3) echo etcdctl ;;
    # knative's binaries are called controller, webhook, ...: too generic for one shared bin dir
    knative.dev/serving/cmd/*) echo "knative-${1##*/}" ;;
    *) local b=${1##*/}
       if [[ $b =~ ^v[0-9]+$ ]]; then b=$(basename "$(dirname "$1")"); fi
       echo "$b" ;;
  esac
}

# Version of a module required by a component's go.mod.
mod_version() { # <name> <module>
  awk -v m="$2" '($1 == m || ($1 == "require" && $2 == m)) { print ($1 == "require" ? $3 : $2); exit }' \
    "$COMPONENTS_DIR/$1/go.mod"
}

# Extra -ldflags per component: the version stamps the upstream release builds set
# (otherwise kube-apiserver reports v0.0.0-master, istioctl "unknown", helm "v3.22").
ldflags_for() { # <name>
  local v rev dir
  case "$1" in
    kubernetes)
      v=$(mod_version kubernetes k8s.io/kubernetes)
      [[ $v =~ ^v([0-9]+)\.([0-9]+)\. ]] || die "kubernetes: cannot parse version '$v'"
      local pkg
      for pkg in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
        printf ' -X %s' "$pkg.gitVersion=$v" "$pkg.gitMajor=${BASH_REMATCH[1]}" \
          "$pkg.gitMinor=${BASH_REMATCH[2]}" "$pkg.gitTreeState=clean"
      done
      ;;
    helm)
      v=$(mod_version helm helm.sh/helm/v3)
      printf ' -X %s' "helm.sh/helm/v3/internal/version.version=$v" "helm.sh/helm/v3/internal/version.gitTreeState=clean"
      # as helm's Makefile: client-go v0.X.Y is Kubernetes 1.X
      v=$(mod_version helm k8s.io/client-go)
      [[ $v =~ ^v0\.([0-9]+)\. ]] || die "helm: cannot parse client-go version '$v'"
      printf ' -X %s' "helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1" "helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=${BASH_REMATCH[1]}" \
        "helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1" "helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=${BASH_REMATCH[1]}"
      ;;
    traefik)
      # as Traefik's Makefile (`traefik version` reports it)
      printf ' -X %s' "github.com/traefik/traefik/v3/pkg/version.Version=$(mod_version traefik github.com/traefik/traefik/v3)"
      ;;
    istioctl)
      v=$(mod_version istioctl istio.io/istio)
      rev=${v##*-}
      dir=$(cd "$COMPONENTS_DIR/istioctl" && go mod download -json istio.io/istio | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])') ||
        die "istioctl: cannot download istio.io/istio $v"
      printf ' -X %s' "istio.io/istio/pkg/version.buildVersion=$(cat "$dir/VERSION")-dev" \
        "istio.io/istio/pkg/version.buildGitRevision=$rev" "istio.io/istio/pkg/version.buildStatus=Clean"
      ;;
  esac
}

fmt_secs() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

build_component() { # <name> <key> -> builds into by-component/<name>-<key>
  local name=$1 key=$2
  local dest="$CACHE/components/by-component/$name-$key"
  local logf="$CACHE/components/logs/$name-$key.log"
  local tools pkg tmp start rc secs
  tools=$(component_tools "$name")
  [ -n "$tools" ] || die "component $name: no 'tool' directives in scripts/components/$name/go.mod"

  if [ -f "$dest/.complete" ]; then
    log "$name: cached ($dest)"
    return 0
  fi

  tmp="$CACHE/components/by-component/.tmp-$name-$key-$$"
  rm -rf "$tmp"
  mkdir -p "$tmp/out"
  local ldf
  ldf=$(ldflags_for "$name")
  log "$name: building $(echo "$tools" | tr '\n' ' ')(log: $logf)"
  start=$(date +%s)
  set +e
  # shellcheck disable=SC2086
  (cd "$COMPONENTS_DIR/$name" && go build "${BUILD_FLAGS[@]}" "-ldflags=$LDFLAGS$ldf" -o "$tmp/out/" $tools) >"$logf" 2>&1
  rc=$?
  set -e
  secs=$(($(date +%s) - start))
  if [ $rc -ne 0 ]; then
    rm -rf "$tmp"
    log "FAILED: component '$name' (go build exited $rc after $(fmt_secs $secs)); last lines of $logf:"
    tail -n 40 "$logf" | sed 's/^/    /' >&2
    exit 1
  fi

  mkdir -p "$tmp/bin"
  while read -r pkg; do
    local default=${pkg##*/}
    # go build -o dir/ names a .../vN package after the element before the version suffix
    if [[ $default =~ ^v[0-9]+$ ]]; then default=$(basename "$(dirname "$pkg")"); fi
    [ -f "$tmp/out/$default" ] || { log "FAILED: component '$name': expected binary '$default' for $pkg not produced"; rm -rf "$tmp"; exit 1; }
    mv "$tmp/out/$default" "$tmp/bin/$(bin_name "$pkg")"
  done <<<"$tools"
  rmdir "$tmp/out" 2>/dev/null || true
  printf 'name=%s\nkey=%s\ngo=%s\nseconds=%s\nbuilt=%s\n' "$name" "$key" "$GOVERSION" "$secs" "$(date -u +%FT%TZ)" >"$tmp/.complete"

  # Atomic publish: replace any stale partial directory with the finished one.
  rm -rf "$dest"
  mv "$tmp" "$dest"
  log "$name: built in $(fmt_secs $secs) ($(du -sh "$dest/bin" | cut -f1))"
}

total_start=$(date +%s)
setkey_input=""
declare -A KEYS=()
for name in $COMPONENTS; do
  [ -f "$COMPONENTS_DIR/$name/go.mod" ] || die "unknown component '$name' (no scripts/components/$name/go.mod)"
  KEYS[$name]=$(component_key "$name")
  setkey_input+="$name=${KEYS[$name]}"$'\n'
done

for name in $COMPONENTS; do
  build_component "$name" "${KEYS[$name]}"
done

# Combined bin dir of symlinks (cheap to (re)create; atomic via rename).
setkey=$(printf '%s' "$setkey_input" | sha256sum | cut -c1-16)
setdir="$CACHE/components/$setkey"
if [ ! -f "$setdir/.complete" ]; then
  tmp="$CACHE/components/.tmp-set-$setkey-$$"
  rm -rf "$tmp"
  mkdir -p "$tmp/bin"
  for name in $COMPONENTS; do
    for b in "$CACHE/components/by-component/$name-${KEYS[$name]}/bin/"*; do
      ln -s "$b" "$tmp/bin/$(basename "$b")"
    done
  done
  printf '%s' "$setkey_input" >"$tmp/.complete"
  rm -rf "$setdir"
  mv "$tmp" "$setdir"
fi
log "all components ready in $(fmt_secs $(($(date +%s) - total_start))): $setdir/bin"
echo "$setdir/bin"
