#!/usr/bin/env bash
# Build okrp.vsix, the VS Code extension, in this folder: installs the pinned packages of
# package-lock.json (npm ci) and packages with vsce. The grammar in syntaxes/ is committed (a test
# keeps it equal to editors/tmgrammar.py's output).
# Install the result with: code --install-extension editors/vscode/okrp.vsix
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --loglevel=error
npx vsce package --allow-missing-repository --out okrp.vsix
echo "built $(pwd)/okrp.vsix"
