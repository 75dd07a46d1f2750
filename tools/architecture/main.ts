/**
 * `npm run architecture`: regenerates the service map in docs/architecture.md from the code.
 * `npm run architecture -- --check`: only compares, and exits 1 when the committed map is stale.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { architectureDocument, ARCHITECTURE_DOC } from './architecture-doc';

/** The workspace root: npm runs scripts there. */
const ROOT = process.cwd();

function main() {
  const check = process.argv.includes('--check');
  const file = path.join(ROOT, ARCHITECTURE_DOC);
  const committed = fs.readFileSync(file, 'utf8');
  const generated = architectureDocument(ROOT, committed);
  if (generated === committed) {
    process.stdout.write(`${ARCHITECTURE_DOC} is up to date\n`);
    return;
  }
  if (check) {
    process.stderr.write(`${ARCHITECTURE_DOC} differs from the code's declarations: run npm run architecture and commit the result\n`);
    process.exitCode = 1;
    return;
  }
  fs.writeFileSync(file, generated);
  process.stdout.write(`${ARCHITECTURE_DOC} regenerated\n`);
}

main();
