// Builds the documentation from spec/asyncapi.yaml: the static site (dist/site), the same pages as
// Markdown (dist/markdown) and every code example as a module to type-check (dist/examples).
// `tsx src/build.ts [outDir]` builds into dist/ (or outDir); tests call `buildSite(outDir)`.
import { existsSync } from 'node:fs';
import { lstat, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { releaseHistory } from '@customer-chat/spec-diff';
import { GENERATED_NOTICE, plainText, walkBlocks, type Page } from './doc.js';
import { exampleModule, type Example } from './examples.js';
import { ASSETS, CONSOLE_IDS, LAYOUT_IDS, renderHtmlPage } from './render-html.js';
import { markdownAnchors, renderMarkdownPage } from './render-markdown.js';
import { searchEntries } from './search-index.js';
import { checkDescriptions } from './description-check.js';
import { cachedModel } from './model-cache.js';
import { type ProtocolModel } from './spec-model.js';
import { createContext, type PageContext } from './pages/context.js';
import { eventsPage } from './pages/events.js';
import { indexPage } from './pages/index.js';
import { methodsPage } from './pages/methods.js';
import { protocolPage } from './pages/protocol.js';
import { changelogPage, type ReleaseHistory } from './pages/changelog.js';
import { consolePage } from './pages/console.js';
import { schemasPage } from './pages/schemas.js';

export interface OutputFile {
  /** Path relative to the output directory: `site/events.html`, `markdown/events.md`, `examples/quick-start.ts`. */
  path: string;
  content: string;
}

export interface BuildOptions {
  /** The AsyncAPI document; `spec/asyncapi.yaml` of the repository by default. */
  specFile?: string;
  /** The repository root (for the model's source path); found from this file by default. */
  repositoryRoot?: string;
  /** The releases for the changelog page; by default read from the repository's spec tags by the spec-diff engine. */
  history?: ReleaseHistory;
}

export interface BuildResult {
  files: OutputFile[];
  pages: Page[];
  examples: Example[];
  model: ProtocolModel;
}

/** The directories of the output this build owns (emptied before writing). */
export const OUTPUT_DIRECTORIES = ['site', 'markdown', 'examples'] as const;

/** The compiler options the examples are checked with (also written as dist/examples/tsconfig.json). */
export const EXAMPLE_COMPILER_OPTIONS = {
  target: 'ES2022',
  lib: ['ES2022', 'DOM'],
  module: 'NodeNext',
  moduleResolution: 'NodeNext',
  strict: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  noEmit: true,
  skipLibCheck: true,
  types: [],
} as const;

const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function findRepositoryRoot(from = PACKAGE_DIR): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no pnpm-workspace.yaml above ${from}`);
  }
}

/**
 * The console's checks: @customer-chat/validators (guards, then the explainer) bundled for the
 * browser, as `window.customerChatValidators = { validate, validateFrame }`.
 */
async function validatorsBundle(): Promise<string> {
  const output = await build({
    stdin: { contents: "import { validate, validateFrame } from '@customer-chat/validators';\nwindow.customerChatValidators = { validate, validateFrame };\n", resolveDir: PACKAGE_DIR, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2020',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
    legalComments: 'none',
  });
  return output.outputFiles[0]!.text;
}

async function asset(name: string): Promise<string> {
  return readFile(join(PACKAGE_DIR, 'src', 'assets', name), 'utf8');
}

/** Every page's document model, built from `model`, and the context holding their code examples. */
export function buildPages(model: ProtocolModel, history: ReleaseHistory): { pages: Page[]; context: PageContext } {
  const context = createContext(model);
  const pages = [indexPage(context), eventsPage(context), methodsPage(context), protocolPage(context), schemasPage(context), changelogPage(context, history), consolePage(context)];
  checkUniqueIds(pages);
  return { pages, context };
}

/**
 * Throws when an element id is used twice on a page (a heading of a spec description, `## Channel`,
 * taking the id of a section the page makes itself): a link to it would land on the wrong one.
 */
export function checkUniqueIds(pages: Page[]): void {
  const problems: string[] = [];
  for (const page of pages) {
    const owners = new Map<string, string[]>();
    const claim = (id: string, owner: string) => owners.set(id, [...(owners.get(id) ?? []), owner]);
    for (const id of LAYOUT_IDS) claim(id, 'the page layout');
    for (const block of walkBlocks(page.blocks)) {
      if (block.kind === 'heading') claim(block.id, `the heading "${plainText(block.content)}"`);
      else if (block.kind === 'section' && block.id !== undefined) claim(block.id, 'a section');
      else if (block.kind === 'table') {
        for (const row of block.rows) if (row.id !== undefined) claim(row.id, `a row of the table ${block.label === undefined ? `headed ${block.head.join(' | ')}` : `"${block.label}"`}`);
      } else if (block.kind === 'console') {
        for (const id of CONSOLE_IDS) claim(id, 'the console');
      }
    }
    for (const [id, claimed] of owners) {
      if (claimed.length > 1) problems.push(`${page.name} page: the id "${id}" is used ${claimed.length} times, by ${claimed.join(' and by ')}; when one is a heading of a spec description, rename it there (its id comes from its text)`);
    }
  }
  if (problems.length > 0) throw new Error(`duplicate element ids, links to them would be ambiguous:\n${problems.map((p) => `  ${p}`).join('\n')}`);
}

/** Builds every output file in memory. */
export async function renderSite(options: BuildOptions = {}): Promise<BuildResult> {
  const root = options.repositoryRoot ?? findRepositoryRoot();
  const model = await cachedModel(options.specFile ?? join(root, 'spec', 'asyncapi.yaml'), root);
  checkDescriptions(model);
  const history = options.history ?? (await releaseHistory(root, model));
  const { pages, context } = buildPages(model, history);
  const site = { title: model.info.title, version: model.info.version };
  const anchors = markdownAnchors(pages);

  const files: OutputFile[] = [];
  for (const page of pages) {
    files.push({ path: `site/${page.name}.html`, content: renderHtmlPage(page, site) });
    files.push({ path: `markdown/${page.name}.md`, content: renderMarkdownPage(page, anchors) });
  }
  files.push({ path: `site/${ASSETS.css}`, content: `/* ${GENERATED_NOTICE}. */\n${await asset('site.css')}` });
  files.push({ path: `site/${ASSETS.js}`, content: `// ${GENERATED_NOTICE}.\n${await asset('site.js')}` });
  files.push({ path: `site/${ASSETS.console}`, content: `// ${GENERATED_NOTICE}.\n${await asset('console.js')}` });
  files.push({ path: `site/${ASSETS.validators}`, content: `// ${GENERATED_NOTICE}.\n${await validatorsBundle()}` });
  const entries = searchEntries(pages).map((entry) => JSON.stringify(entry));
  files.push({ path: `site/${ASSETS.searchIndex}`, content: `// ${GENERATED_NOTICE}.\n// The search index: title, kind, link and description of every event, method, schema and field.\nwindow.customerChatDocsIndex = [\n${entries.join(',\n')}\n];\n` });
  for (const example of context.examples) files.push({ path: `examples/${example.id}.ts`, content: exampleModule(example) });
  files.push({
    path: 'examples/tsconfig.json',
    content: `// ${GENERATED_NOTICE}.\n// Type-checks the examples of the pages against @customer-chat/sdk: tsc -p dist/examples\n${JSON.stringify({ compilerOptions: EXAMPLE_COMPILER_OPTIONS, include: ['*.ts'] }, null, 2)}\n`,
  });
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, pages, examples: context.examples, model };
}

/** The file a build leaves in `outDir`, listing the directories it wrote: the next build empties only those. */
export const BUILD_MARKER = '.customer-chat-docs-build.json';

/** Whether every file under `directory` carries the generated notice (the output of a build from before the marker). */
async function onlyGeneratedFiles(directory: string): Promise<boolean> {
  for (const name of await readdir(directory, { recursive: true })) {
    const info = await lstat(join(directory, name));
    if (info.isDirectory()) continue;
    if (!info.isFile() || !(await readFile(join(directory, name), 'utf8')).includes(GENERATED_NOTICE)) return false;
  }
  return true;
}

/**
 * Throws, before anything is deleted, when an output directory under `outDir` exists that a build
 * did not write (one of the user's own, `examples/` say): the build would delete it.
 */
async function checkOutputDirectoriesOwned(outDir: string): Promise<void> {
  const marker = join(outDir, BUILD_MARKER);
  let written: unknown = [];
  if (existsSync(marker)) {
    try {
      written = (JSON.parse(await readFile(marker, 'utf8')) as { directories?: unknown }).directories;
    } catch (error) {
      throw new Error(`${marker}: not a marker this build wrote (${error instanceof Error ? error.message : String(error)}); remove it if ${outDir} holds nothing of yours`);
    }
  }
  const owned = new Set(Array.isArray(written) ? written : []);
  const foreign: string[] = [];
  for (const directory of OUTPUT_DIRECTORIES) {
    const path = join(outDir, directory);
    if (!existsSync(path) || owned.has(directory) || (await onlyGeneratedFiles(path))) continue;
    foreign.push(path);
  }
  if (foreign.length > 0) {
    throw new Error(
      `refusing to build into ${outDir}: ${foreign.join(' and ')} ${foreign.length === 1 ? 'was' : 'were'} not written by this build (not listed in ${BUILD_MARKER}, and holding files without the generated notice), and the build replaces ${OUTPUT_DIRECTORIES.map((d) => `${d}/`).join(', ')}; move ${foreign.length === 1 ? 'it' : 'them'} away or build into another directory`,
    );
  }
}

/** Builds and writes everything under `outDir` (site/, markdown/, examples/, and the build marker). */
export async function buildSite(outDir: string, options: BuildOptions = {}): Promise<BuildResult> {
  await checkOutputDirectoriesOwned(outDir);
  const result = await renderSite(options);
  await checkOutputDirectoriesOwned(outDir);
  for (const directory of OUTPUT_DIRECTORIES) await rm(join(outDir, directory), { recursive: true, force: true });
  for (const file of result.files) {
    const target = join(outDir, file.path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, file.content);
  }
  await writeFile(join(outDir, BUILD_MARKER), `${JSON.stringify({ generated: GENERATED_NOTICE, directories: OUTPUT_DIRECTORIES }, null, 2)}\n`);
  return result;
}

/** The size of the site (dist/site), each file gzipped on its own as a server would send it. */
export function siteSize(files: OutputFile[]): { files: number; raw: number; gzip: number } {
  const site = files.filter((f) => f.path.startsWith('site/'));
  return {
    files: site.length,
    raw: site.reduce((sum, f) => sum + Buffer.byteLength(f.content), 0),
    gzip: site.reduce((sum, f) => sum + gzipSync(f.content, { level: 9 }).length, 0),
  };
}

export const BUILD_USAGE = 'usage: tsx src/build.ts [outDir]  (builds site/, markdown/ and examples/ into outDir, packages/docs/dist by default)';

/** The output directory from the command line, or `help`; a wrong command line throws (exit 2). */
export function parseBuildArguments(args: string[]): { outDir: string } | 'help' {
  if (args.includes('--help') || args.includes('-h')) return 'help';
  // A directory whose name starts with `-` can still be given as `./-name`.
  const option = args.find((arg) => arg.startsWith('-'));
  if (option !== undefined) throw new Error(`unknown option ${JSON.stringify(option)}`);
  if (args.length > 1) throw new Error(`one output directory at most, got ${args.length}: ${args.map((a) => JSON.stringify(a)).join(' ')}`);
  return { outDir: resolve(args[0] ?? join(PACKAGE_DIR, 'dist')) };
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parseBuildArguments>;
  try {
    parsed = parseBuildArguments(process.argv.slice(2));
  } catch (error) {
    console.error(`build: ${error instanceof Error ? error.message : String(error)}\n${BUILD_USAGE}`);
    process.exit(2);
  }
  if (parsed === 'help') {
    console.log(BUILD_USAGE);
    return;
  }
  const { outDir } = parsed;
  const started = performance.now();
  const result = await buildSite(outDir);
  const size = siteSize(result.files);
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  console.log(`docs: ${result.pages.length} pages, ${result.examples.length} examples -> ${outDir} (site ${size.files} files, ${kb(size.raw)}, ${kb(size.gzip)} gzip) in ${Math.round(performance.now() - started)} ms`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
