#!/usr/bin/env bash
# The one test command (README, .ci/run): installs what the tests need on a fresh Debian machine,
# builds the real Kubernetes components from the Go module proxy into their cache (first time ~30 min
# on 2 cores, then seconds), then type-checks, lints and runs every test on a real control plane
# (scripts/dev-cluster.sh, started by vitest's global setup). Ends with a plain "N passed, N failed" line.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v prometheus >/dev/null || need_apt+=(prometheus)
command -v hey >/dev/null || need_apt+=(hey)
command -v haproxy >/dev/null || need_apt+=(haproxy)
command -v curl >/dev/null || need_apt+=(curl)
command -v chromium >/dev/null || need_apt+=(chromium)
command -v openssl >/dev/null || need_apt+=(openssl)
command -v ip >/dev/null || need_apt+=(iproute2)
# The image test (test/image): podman with Debian's runc, a base made with mmdebstrap, strip for Node.
command -v podman >/dev/null || need_apt+=(podman)
[ -x /usr/sbin/runc ] || need_apt+=(runc)
command -v mmdebstrap >/dev/null || need_apt+=(mmdebstrap)
command -v strip >/dev/null || need_apt+=(binutils)
# Graphite for the metric provider tests (test/metrics/graphite-server.ts).
command -v carbon-cache >/dev/null || need_apt+=(graphite-carbon)
command -v graphite-manage >/dev/null || need_apt+=(graphite-web)
if ((${#need_apt[@]})); then
  if [ "$(id -u)" = 0 ]; then
    echo "installing ${need_apt[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "missing ${need_apt[*]}: run as root or 'sudo apt-get install -y ${need_apt[*]}'" >&2
    [ "${CI:-}" = true ] && exit 1
  fi
fi
command -v go >/dev/null || { echo "go is missing: the tests build kube-apiserver, etcd, KWOK, helm and istioctl with it (Go >= 1.26)" >&2; exit 1; }

# The control plane's binaries (cached by version outside the repository; see docs/dev-cluster.md).
components_started=$SECONDS
bash scripts/build-components.sh >/dev/null
echo "Kubernetes components ready in $((SECONDS - components_started))s"

npm ci --no-audit --no-fund --loglevel=error
npx tsc -p tsconfig.json
npx eslint .
npx prettier --check . --log-level warn

report=$(mktemp -d)/vitest.json
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" || status=$?
node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed`);
' "$report" || echo "0 passed, 1 failed"
exit $status
