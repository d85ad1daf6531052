/**
 * The candidate the user most likely meant, for "did you mean …?", or undefined when none is
 * close. Case, `-` and `_` are ignored first, so `--deadLetterQueue` finds `--dead-letter-queue`
 * and `dead_letter_queue` finds `deadLetterQueue`; then up to two typos (or a third of the name) are allowed.
 */
export function closestName(input: string, candidates: readonly string[]): string | undefined {
  const wanted = normalize(input);
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(wanted.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(wanted, normalize(candidate));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function normalize(name: string): string {
  return name.toLowerCase().replace(/^-+/, '').replace(/[-_]/g, '');
}

/** Levenshtein distance; names are short, so the simple two-row version is plenty. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length];
}
