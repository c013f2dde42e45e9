#!/usr/bin/env bash
# Gradescope's setup step: Node 20 and the repository's dependencies.
set -euo pipefail
if ! command -v node >/dev/null || ! node -e 'process.exit(+process.versions.node.split(".")[0] < 20)'; then
  curl -fsSL https://deb.nodesource.com/setup_20.x | bash -
  apt-get install -y nodejs
fi
cd /autograder/source
npm ci
