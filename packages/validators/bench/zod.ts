// The same two payloads described with zod 4, as close to the schemas as zod allows: open objects
// (`looseObject`), the Event union with its fallback, the uri format through ajv-formats' own check, the spec's URL pattern.
// Where zod cannot say the same thing it says something weaker, noted here and in results.md:
// it reads inherited properties, and counts lengths in UTF-16 units rather than code points.
import { readFileSync } from 'node:fs';
import formatsModule from 'ajv-formats/dist/formats.js';
import * as z from 'zod';

const { fullFormats } = formatsModule as unknown as { fullFormats: { uri: (value: string) => boolean } };
const HTTP_URL = new RegExp(
  (JSON.parse(readFileSync(new URL('../schemas/bundle.json', import.meta.url), 'utf8')) as { definitions: { FileEvent: { properties: { url: { pattern: string } } } } }).definitions.FileEvent.properties.url.pattern,
  'u',
);
const KNOWN_EVENT_TYPES = ['message', 'file', 'system_message'];

const id = z.string().min(1);
const count = z.int().min(0);
const common = {
  id: id.optional(),
  chat: id.optional(),
  thread: id.optional(),
  author: id.optional(),
  timestamp: count.optional(),
  customId: z.string().min(1).max(256).optional(),
};

const messageEvent = z.looseObject({ ...common, type: z.literal('message'), text: z.string().optional() });
const fileEvent = z.looseObject({
  ...common,
  type: z.literal('file'),
  url: z.string().regex(HTTP_URL).refine((value) => fullFormats.uri(value)).optional(),
  contentType: z.string().optional(),
  name: z.string().optional(),
  size: count.optional(),
  width: count.optional(),
  height: count.optional(),
});
const systemMessageEvent = z.looseObject({ ...common, type: z.literal('system_message'), text: z.string().optional(), systemMessageType: z.string().optional() });
const unknownEvent = z.looseObject({ ...common, type: z.string().refine((type) => !KNOWN_EVENT_TYPES.includes(type)) });

export const event = z.union([z.discriminatedUnion('type', [messageEvent, fileEvent, systemMessageEvent]), unknownEvent]);

const properties = z.record(z.string(), z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])));

const chatSummary = z.looseObject({
  id,
  users: z.array(id),
  lastEvent: event.optional(),
  lastEventsPerType: z.record(z.string(), event).optional(),
  lastSeenTimestamps: z.record(z.string(), count.nullable()).optional(),
  properties: properties.optional(),
});

export const chatsSummaryPage = z.looseObject({ chatsSummary: z.array(chatSummary).max(25), totalChats: count });
