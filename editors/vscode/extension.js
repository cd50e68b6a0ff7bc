// Starts `okrdsl lsp` for .okrp files. The command is the setting `okrdsl.command`
// (by default `okrdsl lsp`, from the PATH): point it at a virtual environment's okrdsl.
"use strict";
const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const [command, ...args] = vscode.workspace.getConfiguration("okrdsl").get("command") || ["okrdsl", "lsp"];
  client = new LanguageClient(
    "okrdsl",
    "okrdsl",
    { command, args: args.length ? args : ["lsp"], transport: TransportKind.stdio },
    { documentSelector: [{ scheme: "file", language: "okrp" }, { scheme: "untitled", language: "okrp" }] },
  );
  client.start().catch((error) => {
    vscode.window.showErrorMessage(
      `okrdsl: could not start \`${command} ${args.join(" ")}\`: ${error.message}. ` +
      "Install it with pip install 'okrdsl[lsp]', or set okrdsl.command.");
  });
  context.subscriptions.push({ dispose: () => client && client.stop() });
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
