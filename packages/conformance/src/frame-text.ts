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
