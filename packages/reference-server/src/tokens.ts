// Access tokens of the reference server: opaque random strings, each naming the customer it was
// issued for. The default `authenticate` accepts exactly these.
import { randomBytes } from 'node:crypto';

export class TokenRegistry {
  readonly #customers = new Map<string, string>();

  /** A fresh token for the customer. */
  issue(customerId: string): string {
    const token = randomBytes(24).toString('base64url');
    this.#customers.set(token, customerId);
    return token;
  }

  /** The customer a token was issued for, or undefined for a token this server never issued. */
  resolve(token: string): string | undefined {
    return this.#customers.get(token);
  }
}
