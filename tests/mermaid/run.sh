#!/usr/bin/env bash
# Checks the Mermaid that `sdcoach review --format md` writes with Mermaid's own parser
# (mermaid + jsdom from the npm registry). Needs node and npm; run from anywhere.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/package.json" "$here/check.mjs" "$work/"
(cd "$work" && npm install --silent --no-audit --no-fund >/dev/null)
export XDG_DATA_HOME="$work/data" XDG_STATE_HOME="$work/state" XDG_CONFIG_HOME="$work/config"
(cd "$root" && cargo run --quiet -- review "$here/flows.md" --question openai-api --no-save --format md) > "$work/report.md"
grep -q '```mermaid' "$work/report.md" || { echo "no Mermaid block in the report" >&2; exit 1; }
node "$work/check.mjs" "$work/report.md"
