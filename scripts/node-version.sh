#!/usr/bin/env bash
# A Node.js binary of a given major (or exact) version, from npm's `node` package, for CI and the bench.
# Usage: scripts/node-version.sh VERSION [DEST]
#   VERSION  24, 22 or an exact 24.11.1 (what `npm install node@VERSION` accepts)
#   DEST     folder to install into; default .cache/node-VERSION in the repository (gitignored)
# Prints the node binary's absolute path on stdout. Idempotent: a DEST that already holds a working
# node of that version is reused without asking the registry.
set -euo pipefail

version=${1:?usage: scripts/node-version.sh VERSION [DEST]}
repo=$(cd "$(dirname "$0")/.." && pwd)
dest=${2:-$repo/.cache/node-$version}
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
# npm's `node` package installs the real binary here (and links node_modules/.bin/node to it).
bin=$dest/node_modules/node/bin/node

matches() { # does $bin run, and is it the version asked for (major, or exact)?
  local have
  have=$("$bin" --version 2>/dev/null) || return 1
  have=${have#v}
  [[ $have == "$version" || $have == "$version".* ]]
}

if ! matches; then
  # --no-save etc.: DEST is a scratch prefix, not a project; keep npm quiet on stdout (it is our answer).
  npm install --prefix "$dest" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
    "node@$version" >&2
  matches || { echo "node-version.sh: $bin is not Node $version after install" >&2; exit 1; }
fi
echo "$bin"
