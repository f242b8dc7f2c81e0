// Changes to what a request may be answered with and what it causes: its error types (its own
// `x-errors` and the ones every request inherits), the pushes it makes the server send
// (`x-pushes`), and the close code after a disconnection.
import type { ProtocolModel } from '@customer-chat/spec-model';
import type { Change } from './classify.js';

const PACKAGES = ['@customer-chat/spec', '@customer-chat/validators', '@customer-chat/sdk', '@customer-chat/reference-server', '@customer-chat/conformance'];

export function classifyRequestChanges(base: ProtocolModel, head: ProtocolModel): Change[] {
  const changes: Change[] = [];
  const add = (subject: string, path: string, what: string, breaking: boolean) => changes.push({ subject, direction: 'protocol', path, what, breaking, packages: PACKAGES });
  for (const current of head.requests) {
    const old = base.requests.find((r) => r.action === current.action);
    if (old === undefined) continue;
    // A client handles every error type of the catalogue the same way (the request is rejected with
    // its code), so the list of one request is documentation either way.
    for (const type of current.errors.filter((t) => !old.errors.includes(t))) add(current.action, '/x-errors', `may now be answered ${type}`, false);
    for (const type of old.errors.filter((t) => !current.errors.includes(t))) add(current.action, '/x-errors', `is no longer answered ${type}`, false);
    const target = (p: { requester: boolean; others: boolean }) => (p.requester && p.others ? 'all' : p.requester ? 'requester' : 'others');
    for (const push of old.pushes) {
      const now = current.pushes.find((p) => p.push === push.push);
      // A client waiting for a push its request used to cause would wait forever.
      if (now === undefined) add(current.action, '/x-pushes', `no longer pushes ${push.push}`, true);
      else if ((push.requester && !now.requester) || (push.others && !now.others)) add(current.action, '/x-pushes', `pushes ${push.push} to ${target(now)}, not ${target(push)}`, true);
      // The condition is prose, so a changed one is taken as a new condition: it may not hold.
      if (now !== undefined && now.when !== undefined && now.when !== push.when) add(current.action, '/x-pushes', `pushes ${push.push} on condition: ${now.when} (was: ${push.when ?? 'always'})`, true);
      if (now !== undefined && now.when === undefined && push.when !== undefined) add(current.action, '/x-pushes', `pushes ${push.push} always (was: ${push.when})`, false);
    }
    for (const push of current.pushes) {
      const before = old.pushes.find((p) => p.push === push.push);
      if (before === undefined) add(current.action, '/x-pushes', `now pushes ${push.push} to ${target(push)}`, false);
      else if ((push.requester && !before.requester) || (push.others && !before.others)) add(current.action, '/x-pushes', `pushes ${push.push} to ${target(push)}, not only ${target(before)}`, false);
    }
  }
  for (const [situation, before] of Object.entries(base.errorAnswers)) {
    const type = head.errorAnswers[situation];
    // A client that branches on the error of a situation (a refused token) would miss the new one,
    // or any one, once the situation's error is no longer said.
    if (type === undefined) add('ErrorType', `/x-answers/${situation}`, `${situation} no longer answered ${before}`, true);
    else if (before !== type) add('ErrorType', `/x-answers/${situation}`, `${situation} answered ${type}, was ${before}`, true);
  }
  if (base.disconnectCloseCode !== head.disconnectCloseCode) {
    // A client that tells a disconnection by its close code misses the new one.
    add('DisconnectionReason', '/x-close-code', `close code ${String(base.disconnectCloseCode)} -> ${String(head.disconnectCloseCode)}`, base.disconnectCloseCode !== undefined);
  }
  return changes;
}
