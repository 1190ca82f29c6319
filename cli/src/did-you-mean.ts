/** The candidate nearest to what was typed, when it is near enough to be a typo ("shpos" → "shops"). */
export function closest(typed: string, candidates: Iterable<string>): string | null {
  let best: string | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(typed.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  // One edit in four characters, at least two: "sever" → "serve", never "map" → "shops".
  return best !== null && bestDistance <= Math.max(2, Math.floor(typed.length / 4)) ? best : null;
}

/** " (did you mean …?)", or nothing. */
export function didYouMean(typed: string, candidates: Iterable<string>, show: (candidate: string) => string = (c) => c): string {
  const suggestion = closest(typed, candidates);
  return suggestion === null ? '' : `; did you mean ${show(suggestion)}?`;
}

/** Levenshtein distance, one row at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
