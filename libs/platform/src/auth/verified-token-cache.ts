/**
 * Tokens that already passed signature and claim checks, keyed by the raw token string, so a
 * busy client pays for the HMAC once, not per request (a Map lookup hashes the string once,
 * natively; no second hash as fast-jwt's own cache computes).
 * Guarantees: only verified tokens are ever stored (a forged one never enters); an entry is
 * never served after its token's `exp`; at most `capacity` entries (the oldest go first).
 */
export class VerifiedTokenCache<T> {
  private readonly entries = new Map<string, { value: T; expiresAtMs: number }>();

  constructor(private readonly capacity = 10_000) {}

  /** The cached value; 'expired' for a cached token past its expiry (then forgotten); undefined when not cached. */
  get(token: string, nowMs: number): T | 'expired' | undefined {
    const entry = this.entries.get(token);
    if (entry === undefined) return undefined;
    if (nowMs > entry.expiresAtMs) {
      this.entries.delete(token);
      return 'expired';
    }
    return entry.value;
  }

  /** `expiresAtMs`: the token's `exp` in ms (Infinity when it has none). */
  set(token: string, value: T, expiresAtMs: number): void {
    this.entries.set(token, { value, expiresAtMs });
    // Map iterates in insertion order: the first keys are the oldest.
    if (this.entries.size > this.capacity) {
      for (const key of this.entries.keys()) {
        this.entries.delete(key);
        if (this.entries.size <= this.capacity) break;
      }
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
