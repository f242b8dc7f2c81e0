// A frame shown in a log line or a report, never throwing: what a peer sent is untrusted, and JSON
// that parses (200,000 nested arrays) may not stringify again (RangeError: the call stack). The
// text is written only up to the characters shown, so its depth is bounded by that too.

/** The most characters of a frame a violation line or a report shows. */
export const FRAME_CLIP = 500;

/** `text`, cut after `max` characters with an ellipsis. */
export function clip(text: string, max = FRAME_CLIP): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

/**
 * The JSON text of a value as `JSON.stringify` writes it (for the plain values a parsed frame
 * holds), clipped to `max` characters; it stops writing once it has more, so a value of any depth
 * or size costs at most that. A string frame (text that is not JSON) shows as a JSON string, so
 * that it stays on one line.
 */
export function frameJson(value: unknown, max = FRAME_CLIP): string {
  let out = '';
  const full = (): boolean => out.length > max;
  const write = (node: unknown, inArray: boolean): void => {
    if (full()) return;
    if (node === null) out += 'null';
    else if (typeof node === 'string') out += JSON.stringify(node.length > max ? node.slice(0, max + 1) : node);
    else if (typeof node === 'number') out += Number.isFinite(node) ? String(node) : 'null';
    else if (typeof node === 'boolean') out += String(node);
    else if (typeof node === 'bigint') out += String(node);
    else if (Array.isArray(node)) {
      out += '[';
      for (let i = 0; i < node.length && !full(); i++) {
        if (i > 0) out += ',';
        write(node[i], true);
      }
      out += ']';
    } else if (typeof node === 'object') {
      out += '{';
      let first = true;
      for (const key of Object.keys(node)) {
        if (full()) break;
        const item = (node as Record<string, unknown>)[key];
        if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
        out += `${first ? '' : ','}${JSON.stringify(key)}:`;
        first = false;
        write(item, false);
      }
      out += '}';
    } else out += inArray ? 'null' : String(node);
  };
  write(value, false);
  return clip(out, max);
}

/** A frame as text: a string (text that is not JSON) as it is, anything else as clipped JSON. */
export function frameText(frame: unknown, max = FRAME_CLIP): string {
  return typeof frame === 'string' ? clip(frame, max) : frameJson(frame, max);
}

/** A frame as text in full when it can be written (a string as it is), else its clipped JSON. */
export function wholeFrameText(frame: unknown): string {
  if (typeof frame === 'string') return frame;
  try {
    return JSON.stringify(frame) ?? String(frame);
  } catch {
    return frameJson(frame);
  }
}

/** `value` itself when `JSON.stringify` can write it, else its clipped JSON text (a string). */
export function serialisable(value: unknown, max = FRAME_CLIP): unknown {
  try {
    JSON.stringify(value);
    return value;
  } catch {
    return frameJson(value, max);
  }
}

/** A frame up to this many bytes is kept as it came; a larger one as its bounded copy. */
export const KEEP_WHOLE_BYTES = 64 * 1024;
/** The most values (strings, numbers, objects, ...) the bounded copy of a large frame holds. */
const BOUNDED_VALUES = 10_000;
/** The deepest nesting the bounded copy of a large frame keeps as structure. */
const BOUNDED_DEPTH = 64;

/**
 * `text` clipped, as a string of its own: V8 keeps a slice of a string as a view of the whole, so a
 * clipped 20 MB string would still hold its 20 MB.
 */
function clippedCopy(text: string): string {
  if (text.length <= FRAME_CLIP) return text;
  return Buffer.from(clip(text), 'utf16le').toString('utf16le');
}

/**
 * What the kit keeps of a frame that came as `bytes` bytes: the frame itself when it is small,
 * else a copy with each string (and key) clipped to FRAME_CLIP characters and at most 10,000
 * values, the rest cut off with "…"; below 64 levels of nesting, what is deeper is kept as its
 * clipped JSON text. A server may send frames of any size, and the kit keeps frames for a whole
 * scenario: this bounds what each costs. Ids, headers and short fields stay as they came, so the
 * scenarios read them from the copy whatever the frame holds further down.
 */
export function boundedFrame(frame: unknown, bytes: number): unknown {
  if (bytes <= KEEP_WHOLE_BYTES) return frame;
  if (typeof frame === 'string') return clippedCopy(frame);
  let values = 0;
  const copy = (node: unknown, depth: number): unknown => {
    values += 1;
    if (typeof node === 'string') return clippedCopy(node);
    if (node === null || typeof node !== 'object') return node;
    if (depth >= BOUNDED_DEPTH) return frameJson(node);
    if (Array.isArray(node)) {
      const out: unknown[] = [];
      for (const item of node) {
        if (values >= BOUNDED_VALUES) {
          out.push('…');
          break;
        }
        out.push(copy(item, depth + 1));
      }
      return out;
    }
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(node)) {
      if (values >= BOUNDED_VALUES) {
        out['…'] = '…';
        break;
      }
      out[clippedCopy(key)] = copy((node as Record<string, unknown>)[key], depth + 1);
    }
    return out;
  };
  return copy(frame, 0);
}
