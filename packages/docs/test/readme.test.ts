// The README says what the code does: the model package it reads the spec through, and the
// command line of customer-chat-docs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(join(PACKAGE_DIR, 'README.md'), 'utf8');

describe('README', () => {
  it('names the model package src/spec-model.ts imports, and no other @customer-chat package as the model', () => {
    const source = readFileSync(join(PACKAGE_DIR, 'src', 'spec-model.ts'), 'utf8');
    const imported = /from '(@customer-chat\/[a-z-]+)'/.exec(source)?.[1];
    expect(imported).toBe('@customer-chat/spec-model');
    expect(readme).toMatch(new RegExp(`intermediate model \\(\`${imported!.replace('/', '\\/')}\`\\)`));
    expect(readme).not.toContain('@customer-chat/codegen');
  });

  it("describes the command's options as its --help does", async () => {
    const { USAGE } = (await import(join(PACKAGE_DIR, 'bin', 'customer-chat-docs.mjs'))) as { USAGE: string };
    expect(USAGE).toContain('[--port <port>] [--help]');
    expect(readme).toContain('`customer-chat-docs [--port <port>] [--help]`');
    expect(readme).toMatch(/0 to\s+65535/);
  });
});
