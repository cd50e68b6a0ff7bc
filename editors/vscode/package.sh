#!/usr/bin/env bash
# Build okrp.vsix, the VS Code extension, in this folder: installs the pinned packages of
# package-lock.json (npm ci), refreshes the grammar from the Lark grammar, and packages with vsce.
# Install the result with: code --install-extension editors/vscode/okrp.vsix
set -euo pipefail
cd "$(dirname "$0")"
python3 ../tmgrammar.py
npm ci --no-audit --no-fund --loglevel=error
npx vsce package --allow-missing-repository --out okrp.vsix
echo "built $(pwd)/okrp.vsix"
