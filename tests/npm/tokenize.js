// Tokenize files with a TextMate grammar, as VS Code does (vscode-textmate and its Oniguruma),
// and print each token's line, start and end columns (UTF-16) and scopes as JSON.
// Usage: node tokenize.js GRAMMAR.json FILE...
"use strict";
const fs = require("fs");
const path = require("path");
const vsctm = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

async function main([grammarPath, ...files]) {
  const wasm = fs.readFileSync(path.join(path.dirname(require.resolve("vscode-oniguruma")), "onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer);
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async () => vsctm.parseRawGrammar(fs.readFileSync(grammarPath, "utf8"), grammarPath),
  });
  const grammar = await registry.loadGrammar("source.okrp");
  const out = {};
  for (const file of files) {
    let state = vsctm.INITIAL;
    out[file] = [];
    fs.readFileSync(file, "utf8").split(/\r?\n/).forEach((line, number) => {
      const result = grammar.tokenizeLine(line, state);
      for (const token of result.tokens) {
        out[file].push([number, token.startIndex, Math.min(token.endIndex, line.length), token.scopes.slice(1)]);
      }
      state = result.ruleStack;
    });
  }
  process.stdout.write(JSON.stringify(out));
}

main(process.argv.slice(2)).catch((error) => { console.error(error); process.exit(1); });
