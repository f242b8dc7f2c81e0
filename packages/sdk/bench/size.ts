// Bundle size and import time of the SDK (`pnpm bench`). Writes bench/size.md.
//
// Size: the app the targets name (createCustomerSDK + on + startChat) bundled for the browser with
// esbuild, minified, code splitting on as an application bundler has it: the entry chunk and the
// chunks it imports statically are what the page loads; the explainer of failed checks
// (`import('@customer-chat/validators/explain')`), sendFile's upload and rateChat's check are
// chunks of their own, loaded on first use. gzip level 9. Also each entry with everything it
// exports, for comparison, and the same app on the hand-written SDK of this protocol family
// (@livechat/customer-sdk 4.0.2: init + on + startChat), bundled the same way in the same run.
// Import time: a fresh Node process imports the entry by its package name, as a program does (minus an
// empty package's import by name), and under Node and the browser build by file path (minus an
// empty module's); over IMPORT_ROUNDS (30) processes each, the median of the differences to the baseline's load in the same round, in rotated order.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, transform } from 'esbuild';
import { IMPORT_ROUNDS, importTimes } from '../../../tools/scripts/import-times.mjs';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'sdk-size-'));
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

const APP = (entry: string) => `
import { createCustomerSDK } from ${JSON.stringify(join(PACKAGE_DIR, entry))};
const api = createCustomerSDK({ licenseId: 'demo', getToken: async () => 'token' });
api.on('new_event', (event) => console.log(event));
api.startChat({}).then((result) => console.log(result.chat.id));
`;

/** The hand-written SDK's ES module build (its `module` entry), which an application bundler takes. */
function handWrittenEntry(): string {
  const manifest = createRequire(import.meta.url).resolve('@livechat/customer-sdk/package.json');
  const { module: entry, version } = JSON.parse(readFileSync(manifest, 'utf8')) as { module: string; version: string };
  if (version !== '4.0.2') throw new Error(`the comparison is with @livechat/customer-sdk 4.0.2, not ${version}`);
  return join(dirname(manifest), entry);
}

/** The same app on the hand-written SDK: it connects on init, listens, starts a chat (it validates nothing). */
const HAND_WRITTEN_APP = `
import { init } from ${JSON.stringify(handWrittenEntry())};
const api = init({ licenseId: 1, clientId: 'demo' });
api.on('new_event', (event) => console.log(event));
api.startChat({}).then((result) => console.log(result.chat.id));
`;

interface Sizes {
  entry: { minified: number; gzip: number };
  lazy: { minified: number; gzip: number } | undefined;
}

async function bundle(name: string, source: string): Promise<Sizes> {
  const file = join(scratch, `${name}.js`);
  writeFileSync(file, source);
  const output = await build({ entryPoints: [file], bundle: true, minify: true, splitting: true, format: 'esm', platform: 'browser', target: 'es2022', outdir: join(scratch, `${name}-out`), write: false, metafile: true, logLevel: 'silent' });
  const measure = (code: Uint8Array) => ({ minified: code.byteLength, gzip: gzipSync(code, { level: 9 }).byteLength });
  // What loads with the app: its entry chunk and every chunk that one imports statically (shared
  // chunks split out because a lazy chunk uses them too), transitively; the rest loads on demand.
  const outputs = output.metafile.outputs;
  const entryPath = Object.keys(outputs).find((path) => path.endsWith(`${name}.js`))!;
  const eager = new Set<string>();
  const visit = (path: string) => {
    if (eager.has(path)) return;
    eager.add(path);
    for (const imported of outputs[path]!.imports) if (imported.kind === 'import-statement') visit(imported.path);
  };
  visit(entryPath);
  const eagerFiles = new Set([...eager].map((path) => resolve(path)));
  const isEager = (absolute: string) => eagerFiles.has(absolute);
  const loaded = output.outputFiles.filter((f) => isEager(f.path));
  const others = output.outputFiles.filter((f) => !isEager(f.path));
  const lazy = others.length === 0 ? undefined : measure(Buffer.concat(others.map((f) => f.contents)));
  return { entry: measure(Buffer.concat(loaded.map((f) => f.contents))), lazy };
}

/** The code the app loads (entry chunk and its static imports), unminified, one module after the other. */
async function eagerSource(name: string, source: string): Promise<string> {
  const file = join(scratch, `${name}.js`);
  writeFileSync(file, source);
  const output = await build({ entryPoints: [file], bundle: true, minify: false, splitting: true, format: 'esm', platform: 'browser', target: 'es2022', outdir: join(scratch, `${name}-src`), write: false, metafile: true, logLevel: 'silent' });
  const outputs = output.metafile.outputs;
  const eager: string[] = [];
  const visit = (path: string) => {
    if (eager.includes(path)) return;
    eager.push(path);
    for (const imported of outputs[path]!.imports) if (imported.kind === 'import-statement') visit(imported.path);
  };
  visit(Object.keys(outputs).find((path) => path.endsWith(`${name}.js`))!);
  // One script: the static imports between these chunks and their exports go (each name is then
  // declared once, by the chunk that defines it); dynamic imports of the lazy chunks stay.
  return eager
    .map((path) => output.outputFiles.find((f) => f.path === resolve(path))!.text)
    .map((text) => text.replace(/^import\s*\{[^}]*\}\s*from\s*"\.\/[^"]+";$/gm, '').replace(/^export\s*\{[^}]*\};$/gm, ''))
    .join('\n');
}

const minifiedGzip = async (code: string) => gzipSync((await transform(code, { minify: true, format: 'esm', target: 'es2022', loader: 'js' })).code, { level: 9 }).byteLength;

/**
 * Where the gzip bytes of a bundle go: for each source module, how much smaller the minified,
 * gzipped bundle gets without that module's code (its marginal cost; the sum is not the total,
 * since gzip shares what modules have in common). Also the whole with every string literal emptied
 * (error messages, names of the protocol): what the code alone costs.
 */
async function breakdown(name: string, source: string) {
  const code = await eagerSource(name, source);
  // esbuild starts each module's code with a comment naming its file.
  const parts = code.split(/^(?=\/\/ \S+\.[cm]?[jt]s$)/m);
  const whole = await minifiedGzip(code);
  const modules = [];
  for (let i = 0; i < parts.length; i += 1) {
    const label = /^\/\/ (\S+)/.exec(parts[i]!)?.[1];
    if (label === undefined || label.includes(scratch.split('/').pop()!)) continue;
    const without = await minifiedGzip(parts.filter((_, j) => j !== i).join(''));
    modules.push({ module: label.replace(/^(\.\.\/)+/, '').replace(/^.*?packages\//, '../'), marginal: whole - without });
  }
  modules.sort((a, b) => b.marginal - a.marginal);
  const minified = (await transform(code, { minify: true, format: 'esm', target: 'es2022', loader: 'js' })).code;
  const noStrings = minified.replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`/g, '""');
  return { whole, modules, withoutStrings: gzipSync(noStrings, { level: 9 }).byteLength };
}

/**
 * What the conveniences and the two stream views cost the `/unvalidated` app: the same bundle with
 * each one's method removed (from the unminified code, by its name and indentation), and with all
 * of them removed: the most an API that left them to separate imports could save. A method not
 * found stops the bench, so a renamed method cannot make the figure silently wrong.
 */
async function features(name: string, source: string) {
  const code = await eagerSource(name, source);
  const members: [label: string, method: RegExp][] = [
    ['`sendMessage`', /^ {2}sendMessage\(/],
    ['`rateChat`', /^ {2}async rateChat\(/],
    ['`sendFile`', /^ {2}async sendFile\(/],
    ['`setSneakPeek`', /^ {2}setSneakPeek\(/],
    ['`getChatHistory`', /^ {2}async \*getChatHistory\(/],
    ['`events()` (async iterator)', /^ {2}events\(\) \{$/],
    ['Observable interop', /^ {2}observable\(\) \{$/],
  ];
  const without = (text: string, method: RegExp): string => {
    const lines = text.split('\n');
    // Every class that has the method (the client's pass-through and the emitter's own).
    let found = 0;
    for (let start = lines.findIndex((line) => method.test(line)); start >= 0; start = lines.findIndex((line) => method.test(line))) {
      let end = start + 1;
      while (end < lines.length && lines[end] !== '  }') end += 1;
      lines.splice(start, end - start + 1);
      found += 1;
    }
    if (found === 0) throw new Error(`bench/size.ts: no method ${method} in the bundle`);
    return lines.join('\n');
  };
  const whole = await minifiedGzip(code);
  const rows = [];
  let all = code;
  for (const [label, method] of members) {
    rows.push({ label, saved: whole - (await minifiedGzip(without(code, method))) });
    all = without(all, method);
  }
  return { whole, rows, withoutAll: await minifiedGzip(all) };
}

const app = { validated: await bundle('app-validated', APP('dist/index.js')), unvalidated: await bundle('app-unvalidated', APP('dist/unvalidated.js')) };
const handWritten = await bundle('app-hand-written', HAND_WRITTEN_APP);
const whole = {
  validated: await bundle('whole-validated', `export * from ${JSON.stringify(join(PACKAGE_DIR, 'dist/index.js'))};`),
  unvalidated: await bundle('whole-unvalidated', `export * from ${JSON.stringify(join(PACKAGE_DIR, 'dist/unvalidated.js'))};`),
};
// From the sources (the same code as dist, before tsup joins it into one file), to name the modules.
const where = await breakdown('where-unvalidated', APP('src/unvalidated.ts'));
const optional = await features('features-unvalidated', APP('src/unvalidated.ts'));
const NAME = '@customer-chat/sdk';
const { baselines, times, spreads } = importTimes([NAME, ...['dist/node.js', 'dist/index.js'].map((file) => join(PACKAGE_DIR, file))], { packages: { [NAME]: PACKAGE_DIR } });
const imports = { byName: times[0]!, node: times[1]!, browser: times[2]!, baselines };
// A figure with its spread: the quartiles of the round-by-round differences.
const withSpread = (i: number) => `${times[i]!.toFixed(1)} (${spreads[i]!.p25.toFixed(1)}–${spreads[i]!.p75.toFixed(1)})`;
rmSync(scratch, { recursive: true, force: true });

const target = (value: number, limit: number, unit: string, shown: string) => `${shown} (target ≤ ${limit} ${unit}: ${value <= limit ? 'met' : 'not met'})`;
const lazyCell = (sizes: Sizes) => (sizes.lazy === undefined ? '—' : `${kb(sizes.lazy.minified)} / ${kb(sizes.lazy.gzip)}`);
const table = [
  '# SDK bundle size and import time (`pnpm bench`)',
  '',
  `Generated by \`pnpm --filter @customer-chat/sdk bench\` (bench/size.ts) on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, esbuild, minified, code splitting on, es2022; gzip level 9.`,
  '',
  `- App (createCustomerSDK + on + startChat), validation on: **${target(app.validated.entry.gzip / 1024, 10, 'KB', kb(app.validated.entry.gzip))}** min+gzip.`,
  `- Same app on \`@customer-chat/sdk/unvalidated\`: **${target(app.unvalidated.entry.gzip / 1024, 5, 'KB', kb(app.unvalidated.entry.gzip))}**.`,
  `- Import of the default entry in a fresh Node process: **${target(imports.byName, 10, 'ms', `${imports.byName.toFixed(1)} ms`)}** (\`import('${NAME}')\`, median over ${IMPORT_ROUNDS} rounds of the load minus an empty package's import by name in the same round; by file path, minus an empty module's: ${imports.node.toFixed(1)} ms).`,
  '',
  '| bundle | loaded with the app (entry and its static chunks), minified | same, min+gzip | loaded on first use: explainer, sendFile, rateChat (minified / gzip) |',
  '| --- | ---: | ---: | ---: |',
  `| app, \`@customer-chat/sdk\` (validation on) | ${kb(app.validated.entry.minified)} | ${kb(app.validated.entry.gzip)} | ${lazyCell(app.validated)} |`,
  `| app, \`@customer-chat/sdk/unvalidated\` | ${kb(app.unvalidated.entry.minified)} | ${kb(app.unvalidated.entry.gzip)} | ${lazyCell(app.unvalidated)} |`,
  `| everything \`@customer-chat/sdk\` exports | ${kb(whole.validated.entry.minified)} | ${kb(whole.validated.entry.gzip)} | ${lazyCell(whole.validated)} |`,
  `| everything \`@customer-chat/sdk/unvalidated\` exports | ${kb(whole.unvalidated.entry.minified)} | ${kb(whole.unvalidated.entry.gzip)} | ${lazyCell(whole.unvalidated)} |`,
  `| the same app on the hand-written \`@livechat/customer-sdk\` 4.0.2 (validates nothing) | ${kb(handWritten.entry.minified)} | ${kb(handWritten.entry.gzip)} | ${lazyCell(handWritten)} |`,
  '',
  `| import in a fresh Node process (in rotated order with the others and the baselines below; the median over ${IMPORT_ROUNDS} rounds of the load minus its baseline\'s in the same round) | by package name, an empty package\'s subtracted | by file path, an empty module's subtracted |`,
  '| --- | ---: | ---: |',
  `| \`@customer-chat/sdk\` under Node (dist/node.js; \`ws\` loads with the first connection) | ${withSpread(0)} | ${withSpread(1)} |`,
  `| \`@customer-chat/sdk\` browser build (dist/index.js; by name only with the \`browser\` condition, which Node does not set) | — | ${withSpread(2)} |`,
  `| baselines: an empty package imported by name, an empty module imported by path (how fast this machine starts each loader today) | ${imports.baselines.package.toFixed(1)} | ${imports.baselines.module.toFixed(1)} |`,
  '',
  `Why two baselines: the first package name a Node process resolves costs it a one-time start-up (the \`exports\` resolver: ${(imports.baselines.package - imports.baselines.module).toFixed(1)} ms today, the difference of the two baselines), which a program pays for its first dependency whatever that holds; an empty package imported by name pays it too, so the first column is what the SDK adds to a program that imports it (its own import of \`@customer-chat/validators/guards\` included). The second column is the figure of earlier reports: the file imported by its path, minus an empty module; it charges the SDK with that start-up, paid at its import of the validators.`,
  '',
  `The hand-written SDK of this protocol family, measured above in the same run: ${kb(handWritten.entry.gzip)} min+gzip for the same app (it validates nothing), against ${kb(app.validated.entry.gzip)} validated and ${kb(app.unvalidated.entry.gzip)} unvalidated here. Its older v0.9.1 is reported at about 86 KB minified, 28 KB min+gzip (not measured here).`,
  '',
  '## Where the bytes go',
  '',
  `The \`/unvalidated\` app's loaded code, module by module: how much smaller its min+gzip gets without that module (${kb(where.whole)} as measured here, minified from the unminified bundle; gzip shares what modules have in common, so the figures add up to more than that). With every string literal emptied (every error message and protocol name gone) it would still be **${kb(where.withoutStrings)}**: the 5 KB target is not within reach by trimming text: even with no text at all the code would have to lose ${Math.round((1 - 5 * 1024 / where.withoutStrings) * 100)} %.`,
  '',
  '| module | marginal min+gzip |',
  '| --- | ---: |',
  ...where.modules.filter((m) => m.marginal >= 20).map((m) => `| \`${m.module}\` | ${m.marginal} B |`),
  '',
  `What the conveniences and the streams cost, each alone and all together (the same ${kb(optional.whole)} bundle with their methods removed): an API that left every one of them to a separate import would still load **${kb(optional.withoutAll)}**, so making them opt-in would not reach 5 KB either.`,
  '',
  '| left out | min+gzip saved |',
  '| --- | ---: |',
  ...optional.rows.map((row) => `| ${row.label} | ${row.saved} B |`),
  `| all of the above | ${optional.whole - optional.withoutAll} B |`,
  '',
  'Where the validated entry chunk goes: the payload guards of every message the SDK sends or receives (about 4.1 KB gzip, `bench/footprint.md` of @customer-chat/validators) and the runtime (connection state machine with back-off and handshake deadline, pending requests and offline queue, frame router, emitter with iterator and Observable interop, error types and messages).',
  '',
].join('\n');
writeFileSync(new URL('size.md', import.meta.url), table);
console.log(table);
