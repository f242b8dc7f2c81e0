// Names TypeScript code binds, read with the TypeScript parser: what a generated module declares
// (to refuse spec names that would clash with it) and what the hand-written runtimes declare (the
// SDK client's base class, the validators' entry), read from their sources so no list goes stale.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import type { GeneratedFile } from '../printer/generated-file.js';

/** The repository root (this file is tools/codegen/src/common/typescript-names.ts). */
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** A module of the repository, parsed. */
export function parseRepositoryModule(path: string, content = readFileSync(`${ROOT}${path}`, 'utf8')): ts.SourceFile {
  return ts.createSourceFile(path, content, ts.ScriptTarget.Latest, true);
}

/** The repository path of a package's own import specifier (`#runtime/client-core`), by its package.json `imports` (`#runtime/*` patterns). */
export function resolvePackageImport(packageDir: string, specifier: string): string {
  const imports = (JSON.parse(readFileSync(`${ROOT}${packageDir}/package.json`, 'utf8')) as { imports?: Record<string, unknown> }).imports ?? {};
  for (const [pattern, target] of Object.entries(imports)) {
    if (typeof target !== 'string') continue;
    const star = pattern.indexOf('*');
    const matched = star < 0 ? (pattern === specifier ? '' : undefined) : specifier.startsWith(pattern.slice(0, star)) && specifier.endsWith(pattern.slice(star + 1)) ? specifier.slice(star, specifier.length - (pattern.length - star - 1)) : undefined;
    if (matched !== undefined) return `${packageDir}/${target.replace('*', matched).replace(/^\.\//, '')}`;
  }
  throw new Error(`${packageDir}/package.json maps no import ${specifier}`);
}

function parse(source: string): ts.SourceFile {
  return ts.createSourceFile('generated.ts', source, ts.ScriptTarget.Latest, true);
}

/** Names the module declares at top level (types, values, enums), and every type parameter's name anywhere. */
export function declaredNames(source: string | ts.SourceFile, typeParameters = true): Set<string> {
  const file = typeof source === 'string' ? parse(source) : source;
  const names = new Set<string>();
  for (const statement of file.statements) {
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) if (ts.isIdentifier(declaration.name)) names.add(declaration.name.text);
    } else if (
      (ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isFunctionDeclaration(statement) || ts.isEnumDeclaration(statement)) &&
      statement.name !== undefined
    ) {
      names.add(statement.name.text);
    }
  }
  // A type parameter shadows an imported type of the same name inside its declaration.
  const visit = (node: ts.Node): void => {
    if (ts.isTypeParameterDeclaration(node)) names.add(node.name.text);
    ts.forEachChild(node, visit);
  };
  if (typeParameters) visit(file);
  return names;
}

/** The names a module exports by name (`export { A, type B } from ...` and its own exported declarations). */
export function namedExports(file: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  for (const statement of file.statements) {
    if (ts.isExportDeclaration(statement) && statement.exportClause !== undefined && ts.isNamedExports(statement.exportClause)) {
      for (const element of statement.exportClause.elements) names.add(element.name.text);
    }
  }
  return names;
}

/** Every member name of a class the module declares (methods, properties, accessors, `constructor`); private `#names` cannot clash. */
export function classMembers(file: ts.SourceFile, className: string): Set<string> {
  const declaration = file.statements.find((s): s is ts.ClassDeclaration => ts.isClassDeclaration(s) && s.name?.text === className);
  if (declaration === undefined) throw new Error(`${file.fileName} declares no class ${className}`);
  const names = new Set<string>();
  for (const member of declaration.members) {
    if (ts.isConstructorDeclaration(member)) names.add('constructor');
    else if (member.name !== undefined && (ts.isIdentifier(member.name) || ts.isStringLiteral(member.name))) names.add(member.name.text);
  }
  return names;
}

/** The names a generated file imports that it also declares itself, or imports from two modules (either would not compile or be shadowed). */
export function importClashes(file: GeneratedFile, content: string): string[] {
  const declared = declaredNames(content);
  const imported = file.importedNames();
  return [...new Set(imported.filter((name, i) => declared.has(name) || imported.indexOf(name) !== i))];
}

/** Whether `name` can be a `const` binding in a strict module (the engine's parser decides, no list of reserved words). */
export function isBindableIdentifier(name: string): boolean {
  if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) || name === 'await') return false; // `await` is reserved in modules only
  try {
    new Function(`'use strict'; const ${name} = 0;`);
    return true;
  } catch {
    return false;
  }
}
