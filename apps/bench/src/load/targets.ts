// The targets: what the bench holds the server to, each met or missed with the figures behind it.
// They are reported, not asserted: the bench exits 0 whatever they say.
import { MEMORY_TARGET_BYTES, MULTIBYTE_CHAR } from './config.js';
import type { DeliveryResult } from './delivery.js';
import { codes } from './format.js';
import type { MultibyteResult, SlowReadersResult } from './slow-readers.js';

export interface Target {
  name: string;
  met: boolean;
  detail: string;
}

/** What the targets are judged on: the runs' results (a run skipped or failed: undefined) and how the bench itself fared. */
export interface TargetInput {
  a: DeliveryResult | undefined;
  b: SlowReadersResult | undefined;
  c: MultibyteResult | undefined;
  failures: readonly string[];
  unhandledRejections: number;
}

/** One target per line of the report, in the order the report lists them. */
export function targetsOf({ a, b, c, failures, unhandledRejections }: TargetInput): Target[] {
  const targets: Target[] = [];
  if (a !== undefined) {
    const ac = a.agentToCustomer;
    const ca = a.customerToAgent;
    targets.push({
      name: 'agent -> customers: every message the agent sent reached its customer exactly once (live, or from history after a reconnection), live copies in order',
      met: ac.lost === 0 && ac.duplicates === 0 && ac.reordered === 0 && ac.deliveredToWrongChat === 0 && ac.storeGaps === 0 && ac.storeReordered === 0,
      detail: `lost ${ac.lost}, duplicated ${ac.duplicates}, reordered ${ac.reordered}, wrong chat ${ac.deliveredToWrongChat} (of ${ac.sent}; ${ac.deliveredLive} live, ${ac.recoveredAfterReconnect} from history)`,
    });
    targets.push({
      name: 'customer -> agent: every acknowledged message stored in its chat exactly once, in send order',
      met: ca.lost === 0 && ca.duplicates === 0 && ca.reordered === 0 && ca.historyReadFailures === 0 && ca.storedButNeverSent === 0,
      detail: `lost ${ca.lost}, duplicated ${ca.duplicates}, reordered ${ca.reordered} (of ${ca.acknowledged} acknowledged)`,
    });
    targets.push({
      name: 'every unacknowledged send rejected with a code, none left hanging',
      met: ca.unsettled === 0 && ca.rejectedWithoutCode === 0,
      detail: `${ca.attempted - ca.acknowledged} unacknowledged: ${codes(ca.rejectedByCode)}; unsettled ${ca.unsettled}`,
    });
    targets.push({
      name: 'a send the SDK reports as not sent never reaches the server',
      met: ca.rejectedNotSentButStored === 0,
      detail: `${ca.rejectedNotSentButStored} "not sent" rejections found stored`,
    });
    targets.push({
      name: 'the bench survives the drops (no unhandled rejection, every client reconnected)',
      met: unhandledRejections === 0 && a.faults.notConnectedAtEnd === 0,
      detail: `${a.faults.socketsDropped} sockets dropped, ${a.faults.connectionRestored} reconnections, unhandled rejections ${unhandledRejections}, not connected at the end ${a.faults.notConnectedAtEnd}`,
    });
  }
  if (b !== undefined) {
    targets.push({
      name: `slow readers: server memory growth bounded by the caps (growth with everybody reading + the lesser of ${b.slowReaders} x (maxUnsentBytes + one frame) and 2 x (maxTotalUnsentBytes + one frame) + stored messages)`,
      met: b.growthBytes <= b.boundBytes,
      detail: `growth ${b.serverMemory.growthMiB} MiB (${b.serverMemory.growthPerSlowReaderMiB} MiB per slow reader), bound ${b.serverMemory.boundMiB} MiB (${b.serverMemory.controlGrowthMiB} + ${b.serverMemory.capsMiB} + ${b.serverMemory.storedBytesEstimateMiB})`,
    });
    targets.push({
      name: 'slow readers: server memory growth under 64 MiB',
      met: b.growthBytes < MEMORY_TARGET_BYTES,
      detail: `RSS ${b.serverMemory.beforeMiB} -> peak ${b.serverMemory.peakMiB} -> after ${b.serverMemory.afterMiB} MiB (growth ${b.serverMemory.growthMiB} MiB)`,
    });
    targets.push({
      name: 'slow readers: every one cut off by the server (1008 from its own cap, or 1006 when the output budget terminated it)',
      met: b.cutOff === b.slowReaders,
      detail: `${b.cutOff} of ${b.slowReaders} cut off (${b.cutWith1008} with 1008); close codes: ${codes(b.closeCodes)}`,
    });
  }
  if (c !== undefined) {
    const extra = c.threeBytes.receivedWhilePausedPerReaderMiB - c.oneByte.receivedWhilePausedPerReaderMiB;
    targets.push({
      name: 'maxUnsentBytes counts bytes: with 3-byte characters a slow reader holds no more bytes than with 1-byte ones (same load, at most 1 MiB apart)',
      met: extra <= 1,
      detail: `waiting per slow reader (kernel buffers + server queue): ${c.oneByte.receivedWhilePausedPerReaderMiB} MiB with "x", ${c.threeBytes.receivedWhilePausedPerReaderMiB} MiB with "${MULTIBYTE_CHAR}"; server growth per slow reader ${c.oneByte.serverMemory.growthPerSlowReaderMiB} vs ${c.threeBytes.serverMemory.growthPerSlowReaderMiB} MiB`,
    });
  }
  if (failures.length > 0) targets.push({ name: 'every run completed', met: false, detail: failures.map((f) => f.split('\n')[0]).join('; ') });
  return targets;
}
