/** The folder of the static site: index.html, events.html, methods.html, protocol.html, schemas.html, changelog.html, console.html, assets/. */
export declare const siteDirectory: string;
/** The folder of the same pages as Markdown: index.md, events.md, methods.md, protocol.md, schemas.md, changelog.md, console.md. */
export declare const markdownDirectory: string;
/** The pages, by name, in both folders (`<name>.html`, `<name>.md`). */
export declare const pages: readonly ['index', 'events', 'methods', 'protocol', 'schemas', 'changelog', 'console'];
