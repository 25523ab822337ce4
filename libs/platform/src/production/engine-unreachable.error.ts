/** An engine named by a setting did not answer at start-up: the app must not listen. */
export class EngineUnreachableError extends Error {
  constructor(
    readonly engine: string,
    readonly variable: string,
    target: string,
    cause: unknown,
  ) {
    super(`cannot reach ${engine} at ${variable}=${redact(target)}: ${reason(cause)}`);
    this.name = 'EngineUnreachableError';
  }
}

/** Rejects when `promise` does not settle within `ms`. */
export function withinTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const reason = (err: unknown): string => {
  const e = err as { message?: string; code?: string; errors?: { message?: string }[] };
  // Node's AggregateError (IPv4 and IPv6 both refused) has an empty message of its own.
  const message = e?.message || e?.errors?.map((x) => x.message).join('; ') || e?.code;
  return message || String(err);
};

/** A URL without its password, for logs and error lines. */
function redact(target: string): string {
  try {
    const url = new URL(target);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return target;
  }
}
