// The typing the generated layer relies on: events and requests typed from interfaces.
import { describe, expectTypeOf, it } from 'vitest';
import { WebSocket } from 'ws';
import { type ClientErrorEvent, ClientCore } from '../../src/runtime/client-core.js';
import type { WebSocketConstructor } from '../../src/runtime/socket.js';
import { type ToyEvents, type ToyRequests, toyProtocol } from './fixtures.js';

class ToyClient extends ClientCore<ToyEvents, ToyRequests> {
  echo(args: ToyRequests['echo']['args']): Promise<{ text: string }> {
    return this.request('echo', args);
  }
}

describe('ClientCore types', () => {
  it('types listeners, the wildcard, streams and requests from the maps', () => {
    const client = new ToyClient(toyProtocol, { url: 'ws://127.0.0.1:1', getToken: () => 't', WebSocket, autoConnect: false });
    client.on('note', (note) => expectTypeOf(note).toEqualTypeOf<{ text: string }>());
    client.once('down', (payload) => expectTypeOf(payload).toEqualTypeOf<undefined>());
    client.on('error', (error) => expectTypeOf(error).toEqualTypeOf<ClientErrorEvent>());
    client.on('*', (name, payload) => {
      if (name === 'ended') expectTypeOf(payload).toEqualTypeOf<string>();
    });
    // @ts-expect-error: not an event of the protocol
    client.on('nope', () => undefined);
    // @ts-expect-error: wrong payload type
    client.on('note', (note: number) => note);
    const sync = client.request('sync', {});
    sync.catch(() => undefined);
    expectTypeOf(sync).toEqualTypeOf<Promise<{ items: number }>>();
    // @ts-expect-error: not an operation
    void client.request('nope', {}).catch(() => undefined);
    expectTypeOf(client.echo).returns.toEqualTypeOf<Promise<{ text: string }>>();
    expectTypeOf(client.state).toEqualTypeOf<'idle' | 'connecting' | 'connected' | 'reconnecting' | 'disconnected' | 'destroyed'>();
    client.destroy();
  });

  it('accepts ws and the DOM WebSocket as constructors', () => {
    expectTypeOf(WebSocket).toExtend<WebSocketConstructor>();
    expectTypeOf<typeof globalThis.WebSocket>().toExtend<WebSocketConstructor>();
  });
});
