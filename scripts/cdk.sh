#!/usr/bin/env bash
# The CDK app of the AWS deployment (deploy/aws): its pinned npm packages,
# an offline synth (no AWS account or credentials needed) and its template
# tests.
#   scripts/cdk.sh install   npm ci in deploy/aws (skipped when the lock file is unchanged)
#   scripts/cdk.sh synth     compile and synthesize into deploy/aws/cdk.out; prints the resources
#   scripts/cdk.sh test      install, synth, then the template tests (node --test)
# Deploying is `cd deploy/aws && npx cdk deploy` with credentials: docs/deploy-aws.md.
set -euo pipefail
cd "$(dirname "$0")/../deploy/aws"

# shellcheck source=scripts/lib/installing.sh
source ../../scripts/lib/installing.sh

say() { echo "cdk: $*" >&2; }
# Offline and quiet: no notices fetched, no CLI telemetry sent.
export CDK_DISABLE_CLI_TELEMETRY=true

install() {
  command -v node >/dev/null || ../../scripts/aws-local.sh install
  (($(node -p 'process.versions.node.split(".")[0]') >= 20)) || {
    say "aws-cdk-lib needs Node.js >= 20, found $(node --version)"
    exit 1
  }
  npm_ci_when_changed "$PWD"
}

synth() {
  npx tsc
  rm -rf cdk.out
  npx cdk synth --quiet --no-notices >&2
  # What was made, for the record: one line per resource type.
  node -e '
    const t = require("./cdk.out/Wdrbe.template.json");
    const n = {};
    for (const r of Object.values(t.Resources)) n[r.Type] = (n[r.Type] || 0) + 1;
    for (const [type, count] of Object.entries(n).sort()) console.log(`${count} ${type}`);'
}

case ${1:-} in
  install) install ;;
  synth) install && synth ;;
  test)
    install
    synth
    node --test dist/test/
    ;;
  *)
    say "usage: scripts/cdk.sh install|synth|test"
    exit 2
    ;;
esac
