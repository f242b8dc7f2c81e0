// The benchmark's reference: the guard a careful developer writes by hand for the two payloads
// (get_chats_summary_response: ChatsSummaryPage; new_event: Event) when it is on a hot path. Strict
// about everything the schemas say, with ajv's semantics: own properties only (an inherited or
// `undefined` property is absent), lengths in code points, integers and numbers finite, the `uri`
// format of ajv-formats and the spec's URL pattern, the Event union with its fallback, Properties as
// a map of maps of primitives.
// Written for speed: direct property reads, no allocation, early exit, and for an optional property
// the value checked first, the own-property lookup made only when the value is wrong (a wrong
// inherited value does not count); a map entry's key is checked to be own before its value is read
// (an inherited getter is never called, as ajv never reads it). hand-written-own-first.ts is the same guard in the order
// most would write first. test/guards-differential.test.ts holds both to ajv's verdicts.
import { HTTP_URL, isCount, isCustomId, isId, isRatingNamespace, isRecord, isUri, type Json } from './hand-written-leaves.js';

/** Module-local, as a careful hand-writer keeps it: an imported binding costs a lookup per call. */
const hasOwn = Object.prototype.hasOwnProperty;
const isNullableCount = (value: unknown): boolean => value === null || isCount(value);
const isPrimitive = (value: unknown): boolean => typeof value === 'string' || typeof value === 'boolean' || value === null || (typeof value === 'number' && Number.isFinite(value));

/** Fields every event has, all optional. */
function eventFields(event: Json): boolean {
  const id = event.id;
  if (id !== undefined && !isId(id) && hasOwn.call(event, 'id')) return false;
  const chat = event.chat;
  if (chat !== undefined && !isId(chat) && hasOwn.call(event, 'chat')) return false;
  const thread = event.thread;
  if (thread !== undefined && !isId(thread) && hasOwn.call(event, 'thread')) return false;
  const author = event.author;
  if (author !== undefined && !isId(author) && hasOwn.call(event, 'author')) return false;
  const timestamp = event.timestamp;
  if (timestamp !== undefined && !isCount(timestamp) && hasOwn.call(event, 'timestamp')) return false;
  const customId = event.customId;
  return customId === undefined || isCustomId(customId) || !hasOwn.call(event, 'customId');
}

const KNOWN_EVENT_TYPES = new Set(['message', 'file', 'system_message']);

export function isEvent(value: unknown): boolean {
  // Every kind of event requires `type`, the unknown kinds included.
  if (!isRecord(value) || !hasOwn.call(value, 'type') || !eventFields(value)) return false;
  const type = value.type;
  switch (type) {
    case 'message': {
      const text = value.text;
      return text === undefined || typeof text === 'string' || !hasOwn.call(value, 'text');
    }
    case 'file': {
      const url = value.url;
      if (url !== undefined && !(typeof url === 'string' && HTTP_URL.test(url) && isUri(url)) && hasOwn.call(value, 'url')) return false;
      const contentType = value.contentType;
      if (contentType !== undefined && typeof contentType !== 'string' && hasOwn.call(value, 'contentType')) return false;
      const name = value.name;
      if (name !== undefined && typeof name !== 'string' && hasOwn.call(value, 'name')) return false;
      const size = value.size;
      if (size !== undefined && !isCount(size) && hasOwn.call(value, 'size')) return false;
      const width = value.width;
      if (width !== undefined && !isCount(width) && hasOwn.call(value, 'width')) return false;
      const height = value.height;
      return height === undefined || isCount(height) || !hasOwn.call(value, 'height');
    }
    case 'system_message': {
      const text = value.text;
      if (text !== undefined && typeof text !== 'string' && hasOwn.call(value, 'text')) return false;
      const kind = value.systemMessageType;
      return kind === undefined || typeof kind === 'string' || !hasOwn.call(value, 'systemMessageType');
    }
    default:
      // A type this version does not know: any string but the known ones.
      return typeof type === 'string' && !KNOWN_EVENT_TYPES.has(type);
  }
}

function isPrimitiveMap(value: unknown): boolean {
  if (!isRecord(value)) return false;
  for (const key in value) if (hasOwn.call(value, key) && !isPrimitive(value[key])) return false;
  return true;
}

/** Properties: namespaces of primitive values; the `rating` one a StoredRating. */
function isProperties(value: unknown): boolean {
  if (!isRecord(value)) return false;
  for (const namespace in value) if (namespace !== 'rating' && hasOwn.call(value, namespace) && !isPrimitiveMap(value[namespace])) return false;
  const rating = value.rating;
  return rating === undefined || !hasOwn.call(value, 'rating') || isRatingNamespace(rating);
}

function isEventMap(value: unknown): boolean {
  if (!isRecord(value)) return false;
  for (const key in value) if (hasOwn.call(value, key) && !isEvent(value[key])) return false;
  return true;
}

function isTimestampMap(value: unknown): boolean {
  if (!isRecord(value)) return false;
  for (const key in value) if (hasOwn.call(value, key) && !isNullableCount(value[key])) return false;
  return true;
}

function isChatSummary(value: unknown): boolean {
  if (!isRecord(value)) return false;
  if (!isId(value.id) || !hasOwn.call(value, 'id')) return false;
  const users = value.users;
  if (!Array.isArray(users) || !hasOwn.call(value, 'users')) return false;
  for (let i = 0; i < users.length; i++) if (!isId(users[i])) return false;
  const lastEvent = value.lastEvent;
  if (lastEvent !== undefined && !isEvent(lastEvent) && hasOwn.call(value, 'lastEvent')) return false;
  const perType = value.lastEventsPerType;
  if (perType !== undefined && !isEventMap(perType) && hasOwn.call(value, 'lastEventsPerType')) return false;
  const seen = value.lastSeenTimestamps;
  if (seen !== undefined && !isTimestampMap(seen) && hasOwn.call(value, 'lastSeenTimestamps')) return false;
  const properties = value.properties;
  return properties === undefined || isProperties(properties) || !hasOwn.call(value, 'properties');
}

export function isChatsSummaryPage(value: unknown): boolean {
  if (!isRecord(value)) return false;
  const summaries = value.chatsSummary;
  if (!Array.isArray(summaries) || summaries.length > 25 || !hasOwn.call(value, 'chatsSummary')) return false;
  for (let i = 0; i < summaries.length; i++) if (!isChatSummary(summaries[i])) return false;
  return isCount(value.totalChats) && hasOwn.call(value, 'totalChats');
}
