// @customer-chat/spec-diff as a library: the change classification and the release history.
export { classifyChanges, type Change, type Direction } from './classify.js';
export { latestReleaseTag, releaseHistory, releaseTags, TAG_PREFIX, type Release } from './releases.js';
export {
  bumpsOf,
  ChangesetError,
  missingMajors,
  parseChangeset,
  readChangesetFiles,
  readChangesets,
  type Bump,
  type Changeset,
  type ChangesetBump,
} from './changesets.js';
export { appliedBumps, largestBumps } from './applied-bumps.js';
export { workspaceDirs, workspacePackageNames, workspacePackages, type VersionedPackage } from './workspace.js';
