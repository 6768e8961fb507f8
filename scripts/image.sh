#!/usr/bin/env bash
# Builds and runs Aviary's container image (the repository's Dockerfile) on this machine with Debian's
# podman, without any container registry: the base images are made locally from Debian packages
# (mmdebstrap) and Node's binary from the npm registry, and imported into podman. See docs/image.md.
#
#   scripts/image.sh base          make (or find) localhost/aviary-base:<key> and localhost/aviary-build-base:<key>
#   scripts/image.sh build         base, then `podman build` the Dockerfile: localhost/aviary:<package.json version>
#   scripts/image.sh run -- ARGS   run the image with ARGS (e.g. `run -- version`): --rm, read-only root,
#                                  tmpfs /tmp, host network
#   scripts/image.sh clean         remove untagged images (earlier builds' layers; the next build redoes npm ci)
#   scripts/image.sh podman ARGS   podman with this machine's settings (runc, cgroupfs, no default ulimits)
#   scripts/image.sh env           prints the exports that make a plain `podman` work here
#
# The bases are cached by a key over everything that goes into them (Debian suite and packages, Node and
# npm versions, this script's base recipe), so a rerun only builds the Dockerfile. Progress goes to
# stderr; `build` prints the image name on stdout.
#
# Podman here: root, Debian's runc (crun fails on this machine's hybrid cgroups), cgroupfs, and a
# containers.conf with `default_ulimits = []` (runc cannot set RLIMIT_NPROC here otherwise).
#
# Settings: AVIARY_CACHE (default ~/.cache/aviary; the bases' downloads and containers.conf go to
# $AVIARY_CACHE/image), AVIARY_IMAGE (default localhost/aviary:<version>), AVIARY_COMMIT (default git HEAD).
set -euo pipefail
cd "$(dirname "$0")/.."

# What goes into the bases. Node: the current Active LTS line; npm: the line that Node bundles.
NODE_VERSION=24.22.3
NPM_VERSION=11.19.1
DEBIAN_SUITE=bookworm
DEBIAN_MIRROR=http://deb.debian.org/debian
# The runtime needs: tini (PID 1: forwards signals, reaps), curl and hey (load-tester commands),
# ca-certificates (curl over https), libstdc++6 (node). Node's own TLS uses its bundled roots.
BASE_PACKAGES='ca-certificates,libstdc++6,tini,curl,hey'
# Essential packages nothing in the image runs once the base is made, purged to keep it small: Perl,
# debconf and openssl only configured ca-certificates; util-linux, login and the init helpers serve a
# booted system. What stays beside Node, tini, curl and hey: bash with coreutils, sed, grep, findutils
# and mawk (the load tester's --allow-bash commands are shell scripts), and dpkg with its database (SBOM
# scanners read it).
DROP_PACKAGES='perl-base debconf openssl util-linux bsdutils login passwd diffutils hostname sysvinit-utils
  ncurses-bin gzip init-system-helpers libsmartcols1 libmount1 libblkid1 libudev1 libsystemd0
  libdebconfclient0 libsemanage2 libsemanage-common libsepol2 libaudit1 libaudit-common libcap-ng0
  libcrypt1 libgcrypt20 libgpg-error0 liblz4-1 libcap2 libuuid1'

CACHE=${AVIARY_CACHE:-$HOME/.cache/aviary}/image
mkdir -p "$CACHE"
export CONTAINERS_CONF=$CACHE/containers.conf
if [ ! -f "$CONTAINERS_CONF" ]; then
  cat >"$CONTAINERS_CONF" <<'EOF'
# scripts/image.sh: runc cannot set RLIMIT_NPROC on this machine, so no default ulimits.
[containers]
default_ulimits = []

[engine]
cgroup_manager = "cgroupfs"
runtime = "runc"
events_logger = "file"
EOF
fi

log() { echo "image: $*" >&2; }
die() {
  echo "image: $*" >&2
  exit 1
}

pod() { podman --runtime /usr/sbin/runc --cgroup-manager=cgroupfs "$@"; }

need() {
  command -v podman >/dev/null || die "podman is missing: apt-get install -y podman runc mmdebstrap"
  [ -x /usr/sbin/runc ] || die "runc is missing: apt-get install -y runc"
}

case $(uname -m) in
  x86_64) NODE_ARCH=x64 DEB_ARCH=amd64 ;;
  aarch64) NODE_ARCH=arm64 DEB_ARCH=arm64 ;;
  *) die "unsupported machine $(uname -m)" ;;
esac

base_key() {
  # Everything the bases are made of: the settings above and this function's and make_base's text.
  {
    echo "$NODE_VERSION $NPM_VERSION $DEBIAN_SUITE $DEBIAN_MIRROR $BASE_PACKAGES $DROP_PACKAGES $DEB_ARCH"
    declare -f make_base
  } | sha256sum | cut -c1-12
}

# npm pack checks the tarball against the registry's integrity hash.
npm_package() {
  local spec=$1 dir=$CACHE/downloads
  local file
  file=$dir/$(echo "${spec#@}" | tr '/@' '--').tgz
  if [ ! -f "$file" ]; then
    mkdir -p "$dir"
    (cd "$dir" && npm pack "$spec" --silent --pack-destination "$dir" >/dev/null)
    [ -f "$file" ] || die "npm pack $spec made no $file"
  fi
  echo "$file"
}

make_base() {
  local key=$1 work
  command -v mmdebstrap >/dev/null || die "mmdebstrap is missing: apt-get install -y mmdebstrap"
  work=$(mktemp -d "$CACHE/base.XXXXXX")
  # shellcheck disable=SC2064 # expanded now: $work is local
  trap "rm -rf '$work'" EXIT

  log "Node $NODE_VERSION and npm $NPM_VERSION from the npm registry"
  tar -xzf "$(npm_package "node-linux-$NODE_ARCH@$NODE_VERSION")" -C "$work" package/bin/node
  mv "$work/package" "$work/node"
  # The symbol table is 18 MB of the 127 MB binary; nothing at run time reads it.
  command -v strip >/dev/null || die "strip is missing: apt-get install -y binutils"
  strip "$work/node/bin/node"
  mkdir "$work/npm"
  tar -xzf "$(npm_package "npm@$NPM_VERSION")" -C "$work/npm" --strip-components=1
  "$work/node/bin/node" --version >/dev/null

  log "Debian $DEBIAN_SUITE ($BASE_PACKAGES) with mmdebstrap"
  # essential: dpkg, a shell and coreutils (RUN steps need /bin/sh) without apt; merged /usr the
  # debootstrap way (else the usrmerge package brings all of Perl); no docs, man pages, translations or
  # iconv modules (Node has ICU); no package lists or caches.
  # shellcheck disable=SC2016 # $1 is the hooks' argument (the root), expanded by mmdebstrap's shell
  mmdebstrap --quiet --variant=essential --arch="$DEB_ARCH" --include="$BASE_PACKAGES" \
    --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
    --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/info/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' \
    --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --dpkgopt='path-exclude=/usr/lib/*/gconv/*' \
    --customize-hook='install -m 0755 '"$work"'/node/bin/node "$1/usr/local/bin/node"' \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/* "$1"/var/log/*' \
    "$DEBIAN_SUITE" "$work/rootfs" \
    "deb $DEBIAN_MIRROR $DEBIAN_SUITE main" \
    "deb $DEBIAN_MIRROR $DEBIAN_SUITE-updates main" \
    "deb ${DEBIAN_MIRROR%/debian}/debian-security $DEBIAN_SUITE-security main" >&2

  local changes=(
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
    --change 'CMD ["node"]'
  )
  # The build base: everything plus npm, where Node's own images have it (npm's scripts need
  # /usr/bin/env, from coreutils).
  cp -a "$work/rootfs" "$work/build-rootfs"
  mkdir -p "$work/build-rootfs/usr/local/lib/node_modules"
  cp -a "$work/npm" "$work/build-rootfs/usr/local/lib/node_modules/npm"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$work/build-rootfs/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$work/build-rootfs/usr/local/bin/npx"
  tar -C "$work/build-rootfs" --numeric-owner -c . |
    pod import --quiet "${changes[@]}" --message "aviary build base $key" - "localhost/aviary-build-base:$key" >/dev/null

  # The runtime base: without what nothing there runs.
  local package
  for package in $DROP_PACKAGES; do
    chroot "$work/rootfs" dpkg --purge --force-all "$package" >/dev/null 2>&1 || die "could not purge $package"
  done
  tar -C "$work/rootfs" --numeric-owner -c . |
    pod import --quiet "${changes[@]}" --message "aviary runtime base $key" - "localhost/aviary-base:$key" >/dev/null
  rm -rf "$work"
}

base() {
  need
  local key
  key=$(base_key)
  if pod image exists "localhost/aviary-base:$key" && pod image exists "localhost/aviary-build-base:$key"; then
    log "bases localhost/aviary-base:$key, localhost/aviary-build-base:$key (cached)"
  else
    local started=$SECONDS
    make_base "$key"
    log "bases localhost/aviary-base:$key, localhost/aviary-build-base:$key made in $((SECONDS - started))s"
  fi
  BASE_KEY=$key
}

version() { node -p 'require("./package.json").version'; }

build() {
  base
  local image=${AVIARY_IMAGE:-localhost/aviary:$(version)}
  local commit=${AVIARY_COMMIT:-}
  if [ -z "$commit" ]; then
    commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)
    [ "$commit" = unknown ] || [ -z "$(git status --porcelain --untracked-files=no 2>/dev/null)" ] ||
      commit=$commit-modified
  fi
  # Host network and the CA bundle this machine's npm trusts (a build secret, in no layer): the build's
  # npm ci reaches the npm registry the way this machine does.
  local ca=${NODE_EXTRA_CA_CERTS:-$(npm config get cafile 2>/dev/null || true)} secret=()
  [ -n "$ca" ] && [ "$ca" != null ] && [ -f "$ca" ] && secret=(--secret "id=npm_ca,src=$ca")
  local started=$SECONDS
  log "building $image (commit $commit)"
  pod build --network host "${secret[@]}" \
    --build-arg "BASE=localhost/aviary-base:$BASE_KEY" \
    --build-arg "BUILD_BASE=localhost/aviary-build-base:$BASE_KEY" \
    --build-arg "AVIARY_COMMIT=$commit" \
    --tag "$image" --file Dockerfile . >&2
  log "built $image in $((SECONDS - started))s, $(pod image inspect --format '{{.Size}}' "$image" | awk '{printf "%.1f MB", $1 / 1e6}')"
  echo "$image"
}

run() {
  need
  [ "${1:-}" = -- ] && shift
  local image=${AVIARY_IMAGE:-localhost/aviary:$(version)}
  exec podman --runtime /usr/sbin/runc --cgroup-manager=cgroupfs run --rm --pull=never --read-only --tmpfs /tmp \
    --network host "$image" "$@"
}

case ${1:-} in
  base)
    base
    echo "localhost/aviary-base:$BASE_KEY localhost/aviary-build-base:$BASE_KEY"
    ;;
  build) build ;;
  run)
    shift
    run "$@"
    ;;
  podman)
    shift
    need
    exec podman --runtime /usr/sbin/runc --cgroup-manager=cgroupfs "$@"
    ;;
  env) echo "export CONTAINERS_CONF=$CONTAINERS_CONF" ;;
  clean)
    need
    pod image prune --force >&2
    ;;
  *)
    sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
