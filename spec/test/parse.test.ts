import { describe, expect, it } from 'vitest';
import { formatProblem } from '@customer-chat/spec-loader';
import { spec } from './spec.js';

describe('spec/asyncapi.yaml', () => {
  it('parses with @asyncapi/parser and the project rules with no error, warning or notice', () => {
    expect(spec.problems.map((p) => formatProblem(p))).toEqual([]);
  });

  it('is AsyncAPI 3', () => {
    expect(spec.document?.version()).toMatch(/^3\./);
  });

  it('has a local server for the reference server and a production placeholder', () => {
    const servers = spec.document!.servers();
    expect(servers.get('local')?.host()).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(servers.get('local')?.protocol()).toBe('ws');
    expect(servers.get('production')?.protocol()).toBe('wss');
  });
});
