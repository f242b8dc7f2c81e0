// A cold start that does not parse an unchanged spec again: the model (plain data) is kept on disk,
// keyed by the document's text, the sources of the code that reads it (spec-model and
// spec-loader) and the lockfile (the parser's version), so a change to any builds it afresh.
// Outside the repository (no sources to key on) nothing is cached.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModel, type ProtocolModel } from './spec-model.js';

const CACHE_DIR = fileURLToPath(new URL('../node_modules/.cache/customer-chat-docs/', import.meta.url));

function sourcesOf(directory: string): string[] {
  return readdirSync(directory, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .sort()
    .map((file) => join(directory, file));
}

async function cacheKey(specFile: string, root: string): Promise<string | undefined> {
  const readers = [join(root, 'tools', 'spec-model', 'src'), join(root, 'tools', 'spec-loader', 'src')];
  if (!readers.every((directory) => existsSync(directory))) return undefined;
  const hash = createHash('sha256').update(specFile).update('\0').update(await readFile(specFile));
  const lockfile = join(root, 'pnpm-lock.yaml');
  for (const file of [...readers.flatMap(sourcesOf), ...(existsSync(lockfile) ? [lockfile] : [])]) {
    hash.update('\0').update(file.slice(root.length)).update('\0').update(await readFile(file));
  }
  return hash.digest('hex').slice(0, 32);
}

/** The model of `specFile`: from the cache when the document and its readers are unchanged, else built (and cached). */
export async function cachedModel(specFile: string, root: string): Promise<ProtocolModel> {
  const key = await cacheKey(specFile, root);
  const file = key === undefined ? undefined : join(CACHE_DIR, `model-${key}.json`);
  if (file !== undefined) {
    try {
      return JSON.parse(await readFile(file, 'utf8')) as ProtocolModel;
    } catch {
      // Not cached yet (or unreadable): build it.
    }
  }
  const model = await loadModel(specFile, root);
  if (file !== undefined) {
    await mkdir(dirname(file), { recursive: true });
    const scratch = `${file}.${process.pid}.tmp`;
    await writeFile(scratch, JSON.stringify(model));
    await rename(scratch, file);
  }
  return model;
}
