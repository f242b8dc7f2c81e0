// The three payloads of the benchmark, built the way the server sends them (JSON.parse of the
// serialised value, so the objects have the shapes a program really gets).

/** One chat summary of a busy support inbox: its last event, the last one per type, read markers, properties. */
function summary(i: number): unknown {
  const chat = `PJ0MRSHTDG${i}`;
  const thread = `${chat}-T2`;
  return {
    id: chat,
    users: [`customer-${i}`, 'agent-7'],
    lastEvent: { id: `${chat}_12`, type: 'message', chat, thread, author: 'agent-7', timestamp: 1700000012000 + i, text: 'Your refund was sent: 😀 it takes two to three days.' },
    lastEventsPerType: {
      message: { id: `${chat}_12`, type: 'message', chat, thread, author: 'agent-7', timestamp: 1700000012000 + i, text: 'Your refund was sent: 😀 it takes two to three days.' },
      file: {
        id: `${chat}_9`,
        type: 'file',
        chat,
        thread,
        author: `customer-${i}`,
        timestamp: 1700000009000 + i,
        url: `https://files.example.com/${chat}/receipt.png`,
        contentType: 'image/png',
        name: 'receipt.png',
        size: 48213,
        width: 640,
        height: 480,
      },
      system_message: { id: `${chat}_1`, type: 'system_message', chat, thread, author: 'system', timestamp: 1700000001000 + i, text: 'Sam Agent joined the chat', systemMessageType: 'agent_joined' },
    },
    lastSeenTimestamps: { [`customer-${i}`]: 1700000011000 + i, 'agent-7': null },
    properties: { routing: { pinned: i % 2 === 0, group: 3 }, source: { channel: 'web', url: 'https://shop.example.com/checkout' } },
  };
}

const json = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** get_chats_summary_response: a page of 10 summaries. */
export const chatsSummaryPage = json({ chatsSummary: Array.from({ length: 10 }, (_, i) => summary(i)), totalChats: 37 });

/** new_event: the spec's message example. */
export const newEventMessage = json({
  id: 'PJ0MRSHTDG_3',
  type: 'message',
  chat: 'PJ0MRSHTDG',
  thread: 'PJ0MRSHTDS',
  author: 'agent@example.com',
  timestamp: 1700000002000,
  text: 'How can I help?',
});

/** The same page, but the file event of the last summary has a negative width: one invalid field deep inside. */
export const chatsSummaryPageInvalid = (() => {
  const page = json(chatsSummaryPage) as { chatsSummary: Array<{ lastEventsPerType: { file: { width: number } } }> };
  page.chatsSummary[9]!.lastEventsPerType.file.width = -1;
  return page as unknown;
})();

/** Where the invalid field is (a JSON pointer), for the report. */
export const INVALID_FIELD = '/chatsSummary/9/lastEventsPerType/file/width';
