// The $refs of a document, checked before the AsyncAPI parser sees it: the parser spins forever on
// a cycle of objects that only refer on (A -> B -> A), fetches http(s) refs over the network, and
// reports a missing pointer in another file at a made-up place. Each of these is refused here, at
// the $ref that causes it. Recursion through a real schema (a Tree whose items are Trees) is fine.
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument, visit, type Document } from 'yaml';
import { formatPointer, getAtPointer, parsePointer } from './json-pointer.js';
import type { SpecProblem } from './index.js';

/** One YAML/JSON file as read: its nodes (for positions) and its value (merge keys applied). */
export interface SourceFile {
  file: string;
  yaml: Document;
  lineCounter: LineCounter;
  value: unknown;
  /**
   * Why the file, valid YAML, has no value: YAML refuses to expand its aliases (an alias bomb:
   * "Excessive alias count"), at the first alias.
   */
  unexpandable?: { message: string; line: number; column: number } | undefined;
}

export function readSourceFile(file: string, source: string): SourceFile {
  const lineCounter = new LineCounter();
  const yaml = parseDocument(source, { prettyErrors: true, lineCounter, merge: true });
  if (yaml.errors.length > 0) return { file, yaml, lineCounter, value: undefined };
  try {
    return { file, yaml, lineCounter, value: yaml.toJS() };
  } catch (error) {
    let at = 0;
    visit(yaml, {
      Alias(_, node) {
        at = node.range?.[0] ?? 0;
        return visit.BREAK;
      },
    });
    const { line, col } = lineCounter.linePos(at);
    return { file, yaml, lineCounter, value: undefined, unexpandable: { message: error instanceof Error ? error.message : String(error), line, column: col } };
  }
}

/** Line and column (1-based) of the node at `path`, or of its nearest ancestor; with `key`, of that key in the map at `path`. */
export function positionIn(source: SourceFile, path: ReadonlyArray<string | number>, key?: string): { line: number; column: number } {
  if (key !== undefined) {
    const map = source.yaml.getIn(path, true);
    const pair = isMap(map) ? map.items.find((item) => isScalar(item.key) && String(item.key.value) === key) : undefined;
    const range = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
    if (range) {
      const { line, col } = source.lineCounter.linePos(range[0]);
      return { line, column: col };
    }
  }
  for (let length = path.length; length >= 0; length -= 1) {
    const node = source.yaml.getIn(path.slice(0, length), true) as { range?: [number, number, number] } | undefined;
    if (node?.range) {
      const { line, col } = source.lineCounter.linePos(node.range[0]);
      return { line, column: col };
    }
  }
  return { line: 1, column: 1 };
}

type Path = Array<string | number>;
export interface RefSite {
  file: string;
  path: Path;
  ref: string;
}
/** A node: the file it is in and its path there. */
export interface Place {
  file: string;
  path: Path;
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
const refOf = (value: unknown): string | undefined => (isObject(value) && typeof value.$ref === 'string' ? value.$ref : undefined);
const keyOf = (place: Place) => `${place.file}#${formatPointer(place.path)}`;
// `http:`, `https:`, `file:`, `urn:`...; one letter would be a Windows drive.
const SCHEME = /^[a-z][a-z0-9+.-]+:/i;

/** Every object with a string `$ref` in a value, with its path. */
function refSites(file: string, value: unknown): RefSite[] {
  const sites: RefSite[] = [];
  const walk = (node: unknown, path: Path): void => {
    if (Array.isArray(node)) node.forEach((item, index) => walk(item, [...path, index]));
    else if (isObject(node)) {
      const ref = refOf(node);
      if (ref !== undefined) sites.push({ file, path, ref });
      for (const [key, child] of Object.entries(node)) walk(child, [...path, key]);
    }
  };
  walk(value, []);
  return sites;
}

export interface RefScreen {
  problems: SpecProblem[];
  /** Every file read, the main one first: the ones its file $refs name, transitively. */
  files: Map<string, SourceFile>;
  /** The objects that hold a `$ref`, in every file read. */
  sites: RefSite[];
  /** The node a ref ends at, past any chain of refs; undefined when it cannot be found. */
  endOf(site: RefSite): Place | undefined;
}

export function screenRefs(main: SourceFile): RefScreen {
  const files = new Map<string, SourceFile>([[main.file, main]]);
  const problems: SpecProblem[] = [];
  const problem = (site: RefSite, code: string, message: string) => {
    const source = files.get(site.file)!;
    problems.push({ severity: 'error', code, message, file: site.file, ...positionIn(source, site.path, '$ref'), pointer: formatPointer([...site.path, '$ref']) });
  };
  /** The file a ref names, read once; undefined when it cannot be read or parsed (the parser reports that, at the $ref). */
  const load = (file: string): SourceFile | undefined => {
    if (!files.has(file)) {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        // A missing file is the parser's to report; what else keeps one from being read is said here, naming it.
        const code = (error as { code?: unknown }).code;
        if (code === 'EISDIR') unreadable.set(file, 'it is a directory, not a file');
        else if (code !== 'ENOENT') unreadable.set(file, error instanceof Error ? error.message : String(error));
        return undefined;
      }
      const read = readSourceFile(file, text);
      if (read.unexpandable !== undefined) unreadable.set(file, `its aliases cannot be expanded (${read.unexpandable.message}) at line ${read.unexpandable.line}`);
      if (read.value === undefined) return undefined;
      files.set(file, read);
      queue.push(...refSites(file, read.value));
    }
    return files.get(file);
  };
  /** Files a ref names that YAML cannot turn into a value, with why (said at each $ref to them). */
  const unreadable = new Map<string, string>();
  /** Where a ref points: its file and path; undefined for a ref that is not local or to a file; a string when the ref cannot be read (why). */
  const target = (site: RefSite): { file: string; path: Path } | string | undefined => {
    if (SCHEME.test(site.ref)) return undefined;
    const hash = site.ref.indexOf('#');
    const filePart = hash < 0 ? site.ref : site.ref.slice(0, hash);
    const fragment = hash < 0 ? '' : site.ref.slice(hash + 1);
    if (fragment !== '' && !fragment.startsWith('/')) return `the part after # must be a JSON pointer, starting with / (#/${fragment})`;
    let path: Path;
    let file: string;
    try {
      path = parsePointer(hash < 0 ? '' : site.ref.slice(hash));
      file = filePart === '' ? site.file : resolve(dirname(site.file), decodeURI(filePart));
    } catch (error) {
      // A malformed percent-escape (`%E0`): decodeURI throws a URIError.
      return `not a valid reference (${error instanceof Error ? error.message : String(error)})`;
    }
    return { file, path };
  };

  const queue = refSites(main.file, main.value);
  const sites: RefSite[] = [];
  for (let index = 0; index < queue.length; index += 1) {
    const site = queue[index]!;
    sites.push(site);
    if (SCHEME.test(site.ref)) {
      problem(site, 'unsupported-ref', `$ref ${site.ref}: only local (#/...) and file (./file.yaml#/...) references are allowed, so the document never depends on the network`);
      continue;
    }
    const to = target(site);
    if (typeof to === 'string') {
      problem(site, 'invalid-ref', `$ref ${site.ref}: ${to}`);
      continue;
    }
    if (to === undefined || to.file === site.file) continue;
    const file = load(to.file);
    const why = unreadable.get(to.file);
    if (why !== undefined) {
      problem(site, 'invalid-ref', `$ref ${site.ref}: ${displayFrom(site.file, to.file)} cannot be read: ${why}`);
      continue;
    }
    // A missing pointer in another file: the parser reports it at a path of that file, under the main file's name.
    if (file !== undefined && walkPath(file.value, to.path) === undefined) {
      problem(site, 'invalid-ref', `$ref ${site.ref}: ${displayFrom(site.file, to.file)} has no ${formatPointer(to.path) || '/'}`);
    }
  }
  if (problems.length > 0) return { problems, files, sites, endOf: () => undefined };

  // Depth-first over the refs: a ref whose resolution needs itself is a cycle. `resolving` is the
  // chain in progress; `resolved` memoises where each ref ends, so every ref is followed once.
  const resolved = new Map<string, Place | undefined>();
  const resolving: Array<{ key: string; site: RefSite }> = [];
  const reported = new Set<string>();
  const siteAt = (place: Place): RefSite | undefined => {
    const ref = refOf(walkPath(files.get(place.file)?.value, place.path)?.value);
    return ref === undefined ? undefined : { file: place.file, path: place.path, ref };
  };
  /** The node a ref ends at (following refs met on the way, in the pointer or at the end), undefined when it cannot be found or closes a cycle. */
  const follow = (site: RefSite): Place | undefined => {
    const key = keyOf(site);
    if (resolved.has(key)) return resolved.get(key);
    const open = resolving.findIndex((entry) => entry.key === key);
    if (open >= 0) {
      const chain = [...resolving.slice(open).map((entry) => entry.site), site];
      const closing = resolving[resolving.length - 1]!.site;
      if (!chain.some((s) => reported.has(keyOf(s)))) problem(closing, 'ref-cycle', `$ref cycle: ${describeChain(chain)}`);
      for (const s of chain) reported.add(keyOf(s));
      return undefined;
    }
    resolving.push({ key, site });
    let end: Place | undefined;
    const to = target(site);
    if (to !== undefined && typeof to !== 'string' && files.has(to.file)) end = walkTo({ file: to.file, path: [] }, to.path);
    resolving.pop();
    resolved.set(key, end);
    return end;
  };
  /** From `from`, down `path`: a ref on the way (or at the end) is followed first. */
  const walkTo = (from: Place, path: Path): Place | undefined => {
    let place: Place | undefined = from;
    for (let index = 0; ; index += 1) {
      const site = siteAt(place);
      if (site !== undefined) place = follow(site);
      if (place === undefined || index === path.length) return place;
      const child = walkPath(files.get(place.file)!.value, [...place.path, path[index]!]);
      if (child === undefined) return undefined;
      place = { file: place.file, path: [...place.path, path[index]!] };
    }
  };
  for (const site of sites) follow(site);
  return { problems, files, sites, endOf: (site) => (reported.has(keyOf(site)) ? undefined : follow(site)) };

  function describeChain(chain: RefSite[]): string {
    const first = chain[0]!;
    const parent = formatPointer(first.path.slice(0, -1));
    return chain
      .map((s, index) => {
        const pointer = formatPointer(s.path);
        if (index > 0 && s.file === first.file && formatPointer(s.path.slice(0, -1)) === parent) return String(s.path[s.path.length - 1]);
        return `${s.file === main.file ? '' : displayFrom(main.file, s.file)}#${pointer}`;
      })
      .join(' -> ');
  }
}

/** A file as a ref from `from` would name it: `./ext.yaml`. */
function displayFrom(from: string, file: string): string {
  const path = relative(dirname(from), file).split('\\').join('/');
  return path.startsWith('.') ? path : `./${path}`;
}

/** The value at a path, wrapped so that a present `undefined`-free lookup is told from a missing one. */
function walkPath(value: unknown, path: Path): { value: unknown } | undefined {
  if (path.length === 0) return { value };
  const parent = getAtPointer(value, path.slice(0, -1));
  const last = String(path[path.length - 1]);
  if (parent === null || typeof parent !== 'object' || !Object.hasOwn(parent, last)) return undefined;
  return { value: (parent as Record<string, unknown>)[last] };
}
