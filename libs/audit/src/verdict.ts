/**
 * The outcome of a check an auditor runs. Verifiers return a verdict instead of throwing, so
 * malformed input (a hand-edited proof, a truncated JSON file) is reported as a failed check
 * with its reason, never as a crash.
 */
export type Verdict = { ok: true } | { ok: false; reason: string };

export const VALID: Verdict = Object.freeze({ ok: true });

export const invalid = (reason: string): Verdict => ({ ok: false, reason });
