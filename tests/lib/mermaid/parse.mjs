// node parse.mjs FILE...: parses each Mermaid file with Mermaid's own parser; one line per file, "ok <type>"
// or the parser's error; exit status 1 if any fails. Mermaid wants a DOM even to parse: jsdom stands in.
import { readFileSync } from "node:fs";
import { JSDOM } from "jsdom";

const dom = new JSDOM("<!DOCTYPE html><body></body>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false });

let failed = 0;
for (const file of process.argv.slice(2)) {
  try {
    const { diagramType } = await mermaid.parse(readFileSync(file, "utf8"));
    console.log(`${file}: ok ${diagramType}`);
  } catch (error) {
    failed += 1;
    console.log(`${file}: ${String(error?.message ?? error).replaceAll("\n", " | ")}`);
  }
}
process.exit(failed ? 1 : 0);
