// A server that answers every request with its response's example from the spec, recording the
// frames it receives: it lets the suite check the SDK's requests and replies against the spec
// alone, independently of the reference server's behaviour.
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { validateFrame, type FrameName } from '@customer-chat/validators';
import { model, responseFrame } from './model.js';

export interface RecordedFrame {
  action: string;
  frame: unknown;
  valid: boolean;
  errors: unknown;
}

export async function startResponder(): Promise<{ url: string; frames: RecordedFrame[]; close(): Promise<void> }> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  const frames: RecordedFrame[] = [];
  server.on('connection', (socket) => {
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Record<string, unknown>;
      const action = String(frame.action);
      const request = model.requests.find((r) => r.action === action);
      if (!request) throw new Error(`the SDK sent an unknown action ${action}`);
      const result = validateFrame(action as FrameName, frame);
      frames.push({ action, frame, valid: result.ok, errors: result.ok ? undefined : result.errors });
      const example = request.response.examples[0]?.payload;
      socket.send(JSON.stringify(responseFrame(String(frame[model.correlationField]), action, example)));
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    frames,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
