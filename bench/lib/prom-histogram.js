// Reads one Prometheus histogram from a /metrics text, and quantiles of the difference of two
// scrapes (the observations made in between), interpolated linearly within a bucket as
// Prometheus's histogram_quantile does. Exact at bucket bounds: `shareAtMost(d, 0.02)` is the
// true fraction of observations ≤ 20 ms when 0.02 is a bound.
'use strict';

/** {le: cumulative count} of histogram `name` (summed over label sets). */
function parseHistogram(text, name) {
  const buckets = new Map();
  const re = new RegExp(`^${name}_bucket\\{(?:.*,)?le="([^"]+)"(?:,.*)?\\} (\\S+)$`, 'gm');
  for (const [, le, count] of text.matchAll(re)) {
    const bound = le === '+Inf' ? Infinity : Number(le);
    buckets.set(bound, (buckets.get(bound) ?? 0) + Number(count));
  }
  return buckets;
}

/** Buckets of `after` minus `before`, sorted by bound: [{le, count (cumulative)}]. */
function diff(after, before) {
  return [...after.entries()]
    .map(([le, count]) => ({ le, count: count - (before.get(le) ?? 0) }))
    .sort((a, b) => a.le - b.le);
}

function quantile(buckets, q) {
  const total = buckets[buckets.length - 1]?.count ?? 0;
  if (total === 0) return NaN;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const { le, count } of buckets) {
    if (count >= rank) {
      if (le === Infinity) return prevLe;
      return prevLe + ((le - prevLe) * (rank - prevCount)) / Math.max(1, count - prevCount);
    }
    prevLe = le;
    prevCount = count;
  }
  return prevLe;
}

function shareAtMost(buckets, bound) {
  const total = buckets[buckets.length - 1]?.count ?? 0;
  const at = buckets.find((b) => b.le === bound);
  if (!at) throw new Error(`no bucket bound ${bound}`);
  return total === 0 ? NaN : at.count / total;
}

module.exports = { parseHistogram, diff, quantile, shareAtMost };
