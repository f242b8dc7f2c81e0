// The request target of an HTTP request (`request.url`), read as a path: the one parser of the
// WebSocket endpoint, the file upload and the admin endpoint.
//
// `new URL(target, base)` would read a target that starts with `//` as a host (`//tokens` is
// `http://tokens/`), so a base URL with a trailing slash (`$ADMIN/tokens` with ADMIN ending in `/`)
// would reach `/` instead of `/tokens`. Here the path stays a path.

/**
 * The target as a URL on `http://localhost` (read `pathname` and `searchParams`), with every run of
 * slashes in the path counted as one (`//tokens` is `/tokens`). Takes the origin form (`/a/b?x=1`)
 * and the absolute form (`http://host/a/b?x=1`, whose path and query are kept); undefined for
 * anything else.
 */
export function parseRequestTarget(target: string | undefined): URL | undefined {
  const text = target ?? '/';
  let url: URL | undefined;
  if (text.startsWith('/')) {
    // The host is fixed before the target: nothing in the target can become a host.
    const absolute = `http://localhost${text}`;
    url = URL.canParse(absolute) ? new URL(absolute) : undefined;
  } else if (/^https?:\/\//i.test(text) && URL.canParse(text)) {
    const given = new URL(text);
    url = new URL(`http://localhost${given.pathname}${given.search}`);
  }
  if (url !== undefined) url.pathname = url.pathname.replace(/\/{2,}/g, '/');
  return url;
}

/**
 * The path of the target as sent, for routing on ids (the admin endpoint): not percent-decoded, no
 * dot segment removed (`..` and `%2e%2e` are segments like any other), a backslash no separator;
 * runs of slashes count as one, as in `parseRequestTarget`. Undefined where `parseRequestTarget` is.
 * (`new URL` would turn `/chats/%2e%2e` into `/` and `/chats\x` into `/chats/x`.)
 */
export function requestPath(target: string | undefined): string | undefined {
  if (parseRequestTarget(target) === undefined) return undefined;
  const text = target ?? '/';
  const pathAndQuery = text.startsWith('/') ? text : text.replace(/^https?:\/\/[^/?#]*/i, '');
  const path = /^[^?#]*/.exec(pathAndQuery)?.[0] ?? '';
  return (path.startsWith('/') ? path : `/${path}`).replace(/\/{2,}/g, '/');
}
