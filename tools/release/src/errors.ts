// The two ways a release stops (see release.ts), in a module of their own so every step can throw them.

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
