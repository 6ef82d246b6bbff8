// Parses each Mermaid file named on the command line with Mermaid's own parser (the one
// GitHub's renderer runs), and prints `ok FILE` or `error FILE: MESSAGE` for each. Exits 1 if
// any fails. Mermaid's sanitizer needs a DOM: jsdom provides one, offline.
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const mermaid = (await import('mermaid')).default;
mermaid.initialize({ startOnLoad: false });

let failed = false;
for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, 'utf8');
  try {
    const result = await mermaid.parse(text);
    console.log(`ok ${file} ${result.diagramType}`);
  } catch (error) {
    failed = true;
    console.log(`error ${file}: ${error.message}`);
  }
}
process.exit(failed ? 1 : 0);
