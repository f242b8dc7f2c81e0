// The ways a release stops (see release.ts), in a module of their own so every step can throw them.

/**
 * The release will not go on: one line saying why (a failed step adds the last lines of its
 * output). Thrown before anything is published or tagged, and before the release commit or with
 * the tree put back as it was: nothing of the attempt stays behind.
 */
export class ReleaseRefused extends Error {}

/**
 * The release stopped after something stayed behind (the release commit made, some packages
 * published and tagged): the message says what state things are in and how to finish.
 */
export class ReleaseIncomplete extends Error {}

/**
 * The release was stopped by a signal (Ctrl-C, SIGTERM): the running step was stopped, then the
 * tree put back (or the scratch copy removed) as after a refusal; the message says what is left.
 */
export class ReleaseStopped extends Error {
  constructor(
    readonly signal: string,
    message: string,
  ) {
    super(message);
  }
}
