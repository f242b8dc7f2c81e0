// "Did you mean": the known name closest to a misspelt one, so an unknown key points at the fix.

/** Edit distance (insertions, deletions, substitutions) between two strings. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}

/** ` (did you mean x?; known: a, b)`, or ` (known: a, b)` when no known name is close. */
export function knownHint(name: string, known: Iterable<string>): string {
  const list = [...known];
  const lower = name.toLowerCase();
  // Close: a third of the name's letters at most (case ignored), so `x-pushs` finds `x-pushes`.
  const best = list
    .map((candidate) => ({ candidate, d: distance(lower, candidate.toLowerCase()) }))
    .filter(({ d }) => d <= Math.max(1, Math.floor(name.length / 3)))
    .sort((a, b) => a.d - b.d)[0];
  return ` (${best ? `did you mean ${best.candidate}?; ` : ''}known: ${list.join(', ')})`;
}
