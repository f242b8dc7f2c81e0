// @customer-chat/docs: where the files this package ships are. The site is static (open
// site/index.html, or run `customer-chat-docs` to serve it); the Markdown pages read anywhere.
import { fileURLToPath } from 'node:url';

/** The folder of the static site: index.html, events.html, methods.html, protocol.html, schemas.html, changelog.html, console.html, assets/. */
export const siteDirectory = fileURLToPath(new URL('../dist/site/', import.meta.url));

/** The folder of the same pages as Markdown: index.md, events.md, methods.md, protocol.md, schemas.md, changelog.md, console.md. */
export const markdownDirectory = fileURLToPath(new URL('../dist/markdown/', import.meta.url));

/** The pages, by name, in both folders (`<name>.html`, `<name>.md`). */
export const pages = Object.freeze(['index', 'events', 'methods', 'protocol', 'schemas', 'changelog', 'console']);
