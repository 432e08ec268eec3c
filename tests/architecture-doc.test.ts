import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const serverFolders = readdirSync(join(root, 'server')).filter((name) =>
  statSync(join(root, 'server', name)).isDirectory(),
);

describe('docs/architecture.md and the lint rules match the tree', () => {
  const doc = readFileSync(join(root, 'docs', 'architecture.md'), 'utf8');
  const lint = readFileSync(join(root, 'eslint.config.js'), 'utf8');
  const listed = (list: string) => {
    const body = new RegExp(`const ${list} = \\[([^\\]]*)\\]`, 'u').exec(lint)?.[1] ?? '';
    return [...body.matchAll(/'([^']+)'/gu)].map((m) => m[1]);
  };

  it('describes every folder of server/, and names no folder that is gone', () => {
    expect(serverFolders.length).toBeGreaterThan(10);
    for (const folder of serverFolders) expect(doc, folder).toContain(`\`server/${folder}/\``);
    for (const [, folder] of doc.matchAll(/`server\/([a-z-]+)\/`/gu)) expect(serverFolders).toContain(folder);
  });

  it('classes every folder of server/ as pure or as a service in the import rules', () => {
    const pure = [...listed('PURE_ENGINES'), 'protocol'];
    const services = listed('SERVICE_FOLDERS');
    expect(pure.length).toBeGreaterThan(3);
    for (const folder of serverFolders) expect([...pure, ...services], folder).toContain(folder);
    // The doc marks the same folders pure as the rules do.
    for (const folder of pure) expect(doc).toMatch(new RegExp(`\\| \`server/${folder}/\` +\\| +✓`, 'u'));
  });
});
