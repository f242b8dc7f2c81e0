// The hand-written guard of bench/hand-written.ts as most would first write it: for an optional
// property, is it there (own, not undefined), and only then is it right. Same checks, same verdicts
// (test/guards-differential.test.ts holds it to ajv's); it makes an own-property lookup for every
// property present, where hand-written.ts (and the generated guard) look only when a value is wrong.
import { HTTP_URL, isCount, isCustomId, isId, isRatingNamespace, isRecord, isUri, type Json } from './hand-written-leaves.js';

/** Module-local, as a careful hand-writer keeps it: an imported binding costs a lookup per call. */
const hasOwn = Object.prototype.hasOwnProperty;

const isString = (value: unknown): boolean => typeof value === 'string';

/** Fields every event has, all optional: when one is there (own, not undefined), it must be right. */
function eventFields(event: Json): boolean {
  const id = event.id;
  if (id !== undefined && hasOwn.call(event, 'id') && !isId(id)) return false;
  const chat = event.chat;
  if (chat !== undefined && hasOwn.call(event, 'chat') && !isId(chat)) return false;
  const thread = event.thread;
  if (thread !== undefined && hasOwn.call(event, 'thread') && !isId(thread)) return false;
  const author = event.author;
  if (author !== undefined && hasOwn.call(event, 'author') && !isId(author)) return false;
  const timestamp = event.timestamp;
  if (timestamp !== undefined && hasOwn.call(event, 'timestamp') && !isCount(timestamp)) return false;
  const customId = event.customId;
  return customId === undefined || !hasOwn.call(event, 'customId') || isCustomId(customId);
}

const KNOWN_EVENT_TYPES = new Set(['message', 'file', 'system_message']);

export function isEvent(value: unknown): boolean {
  if (!isRecord(value)) return false;
  if (!eventFields(value)) return false;
  const type = hasOwn.call(value, 'type') ? value.type : undefined;
  switch (type) {
    case 'message': {
      const text = value.text;
      return text === undefined || !hasOwn.call(value, 'text') || isString(text);
    }
    case 'file': {
      const url = value.url;
      if (url !== undefined && hasOwn.call(value, 'url') && !(typeof url === 'string' && HTTP_URL.test(url) && isUri(url))) return false;
      const contentType = value.contentType;
      if (contentType !== undefined && hasOwn.call(value, 'contentType') && !isString(contentType)) return false;
      const name = value.name;
      if (name !== undefined && hasOwn.call(value, 'name') && !isString(name)) return false;
      const size = value.size;
      if (size !== undefined && hasOwn.call(value, 'size') && !isCount(size)) return false;
      const width = value.width;
      if (width !== undefined && hasOwn.call(value, 'width') && !isCount(width)) return false;
      const height = value.height;
      return height === undefined || !hasOwn.call(value, 'height') || isCount(height);
    }
    case 'system_message': {
      const text = value.text;
      if (text !== undefined && hasOwn.call(value, 'text') && !isString(text)) return false;
      const kind = value.systemMessageType;
      return kind === undefined || !hasOwn.call(value, 'systemMessageType') || isString(kind);
    }
    default:
      // A type this version does not know: required, any string but the known ones.
      return typeof type === 'string' && !KNOWN_EVENT_TYPES.has(type);
  }
}

/** Properties: namespaces of primitive values; the `rating` one a StoredRating. */
function isProperties(value: unknown): boolean {
  if (!isRecord(value)) return false;
  // `rating` is a named property: checked whether or not it is enumerable, as ajv's `properties`
  // does (a for-in loop would not see it). An absent rating is no rating (ajv skips undefined).
  if (hasOwn.call(value, 'rating')) {
    const rating = value.rating;
    if (rating !== undefined && !isRatingNamespace(rating)) return false;
  }
  for (const namespace in value) {
    if (namespace === 'rating' || !hasOwn.call(value, namespace)) continue;
    const entries = value[namespace];
    if (!isRecord(entries)) return false;
    for (const key in entries) {
      if (!hasOwn.call(entries, key)) continue;
      const entry = entries[key];
      if (!(typeof entry === 'string' || typeof entry === 'boolean' || entry === null || (typeof entry === 'number' && Number.isFinite(entry)))) return false;
    }
  }
  return true;
}

function isChatSummary(value: unknown): boolean {
  if (!isRecord(value)) return false;
  if (!hasOwn.call(value, 'id') || !isId(value.id)) return false;
  const users = value.users;
  if (!Array.isArray(users) || !hasOwn.call(value, 'users')) return false;
  for (let i = 0; i < users.length; i++) if (!isId(users[i])) return false;
  const lastEvent = value.lastEvent;
  if (lastEvent !== undefined && hasOwn.call(value, 'lastEvent') && !isEvent(lastEvent)) return false;
  const perType = value.lastEventsPerType;
  if (perType !== undefined && hasOwn.call(value, 'lastEventsPerType')) {
    if (!isRecord(perType)) return false;
    for (const key in perType) if (hasOwn.call(perType, key) && !isEvent(perType[key])) return false;
  }
  const seen = value.lastSeenTimestamps;
  if (seen !== undefined && hasOwn.call(value, 'lastSeenTimestamps')) {
    if (!isRecord(seen)) return false;
    for (const key in seen) {
      if (!hasOwn.call(seen, key)) continue;
      const timestamp = seen[key];
      if (timestamp !== null && !isCount(timestamp)) return false;
    }
  }
  const properties = value.properties;
  return properties === undefined || !hasOwn.call(value, 'properties') || isProperties(properties);
}

export function isChatsSummaryPage(value: unknown): boolean {
  if (!isRecord(value)) return false;
  const summaries = value.chatsSummary;
  if (!Array.isArray(summaries) || !hasOwn.call(value, 'chatsSummary') || summaries.length > 25) return false;
  for (let i = 0; i < summaries.length; i++) if (!isChatSummary(summaries[i])) return false;
  return hasOwn.call(value, 'totalChats') && isCount(value.totalChats);
}
