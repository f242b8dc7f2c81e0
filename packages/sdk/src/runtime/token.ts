// The access token from the application's `getToken`, read the same way for the socket's login and
// for an HTTP call (sendFile's upload): a string, or why there is none.
import { describe } from './helpers.js';

/** The token, or the message of the AUTHENTICATION error to fail with (and what getToken threw). */
export async function readToken(getToken: () => unknown): Promise<{ readonly token: string } | { readonly problem: string; readonly cause?: unknown }> {
  let token: unknown;
  try {
    token = await getToken();
  } catch (error) {
    return { problem: `getToken failed: ${describe(error)}`, cause: error };
  }
  return typeof token === 'string' ? { token } : { problem: `getToken gave a ${typeof token}, not a string` };
}
