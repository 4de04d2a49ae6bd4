import { JSDOM } from 'jsdom';
const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window; globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');
import { readFileSync } from 'fs';
const text = readFileSync(process.argv[2], 'utf8');
const blocks = [...text.matchAll(/```mermaid\n([\s\S]*?)```/g)].map(m => m[1]);
let bad = 0;
for (const b of blocks) {
  try { const r = await mermaid.parse(b); if (!r) { bad++; console.log('rejected:\n' + b); } }
  catch (e) { bad++; console.log('error: ' + e.message + '\n' + b); }
}
console.log(`mermaid: ${blocks.length - bad} passed, ${bad} failed`);
process.exit(bad ? 1 : 0);
