// The live console: connect to a server that speaks the protocol, log in with a token from a token
// URL, send any request with a payload prefilled from the spec's examples and checked by the
// validators before it leaves, and watch every frame that comes back, checked and linked to its
// section. The page carries the protocol as data; assets/console.js knows no action by name.
import type { Page } from '../doc.js';
import { isLoginOperation } from '../spec-model.js';
import type { PageContext } from './context.js';

/** The reference server's admin endpoint, which issues tokens (`POST /tokens`). */
export const DEFAULT_TOKEN_URL = 'http://127.0.0.1:8788/tokens';

export function consolePage(context: PageContext): Page {
  const { model } = context;
  const local = model.servers[0];
  const query = model.channel.query.filter((q) => q.required).map((q) => `${encodeURIComponent(q.name)}=docs-console`).join('&');
  const server = local === undefined ? '' : `${local.url.replace(/\/$/, '')}${model.channel.address}${query === '' ? '' : `?${query}`}`;
  const login = model.requests.find((r) => isLoginOperation(model, r));
  const data = {
    defaults: { server, tokenUrl: DEFAULT_TOKEN_URL },
    correlationField: model.correlationField,
    frameConstants: model.frameConstants,
    login: login === undefined ? undefined : { id: login.id, tokenArgument: model.lifecycle?.login.tokenArgument ?? 'token' },
    requests: model.requests.map((r) => ({
      id: r.id,
      action: r.action,
      request: r.request.name,
      response: r.response.name,
      error: r.error.name,
      example: r.request.examples[0]?.payload ?? {},
      section: `methods.html#${r.id}`,
    })),
    pushes: Object.fromEntries(
      model.messages
        .filter((m) => m.kind === 'push' && m.action !== undefined)
        .map((m) => [m.action!, { message: m.name, section: `${m.clientEvent === undefined ? 'events' : 'protocol'}.html#${m.name}` }]),
    ),
  };
  return {
    name: 'console',
    title: 'Console',
    summary: 'Send requests to a server that speaks the protocol and watch every frame, each checked against the spec.',
    blocks: [
      { kind: 'heading', level: 1, id: 'top', content: ['Console'] },
      {
        kind: 'paragraph',
        content: [
          'Connect to a server that speaks the protocol (by default the local reference server: ',
          { code: 'pnpm start' },
          '), log in with a token from the token URL, and send any request. The payload starts as the spec\u2019s example; it is checked against the spec before it leaves, and every frame that comes back is checked too, with each problem at its JSON pointer.',
        ],
      },
      { kind: 'console', data },
    ],
  };
}
