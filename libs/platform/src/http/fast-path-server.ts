import { HttpException } from '@nestjs/common';
import {
  IncomingHttpHeaders,
  IncomingMessage,
  RequestListener,
  Server,
  ServerResponse,
} from 'node:http';

/**
 * A JSON POST route served straight from node:http, without Fastify's request pipeline
 * (routing, hooks, the body parser's AsyncResource, reply serialization): the hottest routes
 * (every message and receipt) spend about a third less CPU this way. See docs/architecture.md
 * "ADR-16: a fast path for the hot command routes".
 */
export interface FastJsonRoute {
  /** Route pattern with exactly one `:id` parameter, e.g. `/v1/conversations/:id/messages`. */
  readonly url: string;
  /** Status of a success. */
  readonly status: number;
  /** Runs the route; the resolved value is sent as JSON. Errors go through the error mapper. */
  handle(id: string, body: unknown, headers: IncomingHttpHeaders): Promise<unknown>;
}

/** Fastify's own JSON body parser (`getDefaultJsonParser`): same limits, same errors. */
export type JsonBodyParser = (
  request: unknown,
  body: string,
  done: (err: Error | null, value?: unknown) => void,
) => void;

export interface FastPathOptions {
  bodyLimit: number;
  /** The app's error shape (AllExceptionsFilter.toResponse), with any extra headers (Retry-After). */
  toResponse(err: unknown): { status: number; body: unknown; headers?: Record<string, string> };
  /**
   * Runs before every request, fast path or not: a refusal (e.g. RateLimitedError) is answered
   * at once through toResponse, and the request goes no further.
   */
  admit?(req: IncomingMessage): Promise<unknown>;
}

export type FastResponseListener = (
  method: string,
  route: string,
  status: number,
  seconds: number,
) => void;

interface CompiledRoute {
  route: FastJsonRoute;
  pattern: RegExp;
}

/**
 * The app's node:http server (Fastify's `serverFactory`). A request for a registered fast
 * route that is plain (POST, a JSON content type, a Content-Length within the body limit, no
 * percent-encoded id) is served here; everything else, including the unusual shapes of those
 * same routes (chunked bodies, other content types, oversize), goes to Fastify, which answers
 * them exactly as before. Both paths share the JSON parser, the error shape and the metrics.
 */
export class FastPathServer extends Server {
  private readonly routes: CompiledRoute[] = [];
  private readonly responseListeners: FastResponseListener[] = [];
  private parseJson?: JsonBodyParser;
  /** Requests served on the fast path so far (the rest went to Fastify). */
  served = 0;

  constructor(
    fallback: RequestListener,
    private readonly options: FastPathOptions,
  ) {
    super();
    const admit = options.admit;
    const dispatch = (req: IncomingMessage, res: ServerResponse) => {
      if (!this.tryServe(req, res)) fallback(req, res);
    };
    this.on('request', (req: IncomingMessage, res: ServerResponse) => {
      if (!admit) return dispatch(req, res);
      const started = performance.now();
      admit(req).then(
        (refusal) => (refusal ? this.refuse(req, res, refusal, started) : dispatch(req, res)),
        () => dispatch(req, res), // a failing admission check must not take the API down
      );
    });
  }

  /** Answers a request that was not admitted; its body is never read (Node discards it). */
  private refuse(req: IncomingMessage, res: ServerResponse, refusal: unknown, started: number) {
    const { status, body, headers } = this.options.toResponse(refusal);
    this.write(res, status, body, headers);
    const seconds = (performance.now() - started) / 1000;
    for (const listener of this.responseListeners)
      listener(req.method ?? 'GET', 'refused', status, seconds);
  }

  /** Fastify's JSON parser; fast routes are served only once it is set. */
  useJsonParser(parse: JsonBodyParser): void {
    this.parseJson = parse;
  }

  addRoute(route: FastJsonRoute): void {
    const [before, after, ...rest] = route.url.split(':id');
    if (after === undefined || rest.length > 0)
      throw new Error(`fast route ${route.url} needs exactly one :id parameter`);
    const pattern = new RegExp(`^${escape(before)}([^/?#%]+)${escape(after)}(?:\\?|$)`);
    this.routes.push({ route, pattern });
  }

  onFastResponse(listener: FastResponseListener): void {
    this.responseListeners.push(listener);
  }

  private tryServe(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'POST' || !this.parseJson || this.routes.length === 0) return false;
    const url = req.url ?? '';
    for (const { route, pattern } of this.routes) {
      const match = pattern.exec(url);
      if (!match) continue;
      if (!this.plainJsonRequest(req)) return false;
      this.served++;
      this.serve(route, match[1], req, res);
      return true;
    }
    return false;
  }

  private plainJsonRequest(req: IncomingMessage): boolean {
    const type = req.headers['content-type'];
    if (type !== 'application/json' && !type?.startsWith('application/json;')) return false;
    const length = req.headers['content-length'];
    if (length === undefined || req.headers['transfer-encoding'] !== undefined) return false;
    const bytes = Number(length);
    return Number.isInteger(bytes) && bytes <= this.options.bodyLimit;
  }

  private serve(route: FastJsonRoute, id: string, req: IncomingMessage, res: ServerResponse) {
    const started = performance.now();
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => {
      this.parseJson!(req, text, (parseError, body) => {
        this.respond(res, route, started, () => {
          // As Nest sees Fastify's parser errors: an HttpException with their status (400).
          if (parseError) throw new HttpException(parseError.message, statusOf(parseError));
          return route.handle(id, body, req.headers);
        });
      });
    });
  }

  private respond(
    res: ServerResponse,
    route: FastJsonRoute,
    started: number,
    run: () => Promise<unknown>,
  ): void {
    let outcome: Promise<unknown>;
    try {
      outcome = run();
    } catch (err) {
      outcome = Promise.reject(err);
    }
    outcome
      .then(
        (result) => this.send(res, route, route.status, result, started),
        (err: unknown) => {
          const { status, body: errorBody, headers } = this.options.toResponse(err);
          this.send(res, route, status, errorBody, started, headers);
        },
      )
      .catch(() => res.destroy()); // a response that cannot be written: drop the connection
  }

  private send(
    res: ServerResponse,
    route: FastJsonRoute,
    status: number,
    payload: unknown,
    started: number,
    headers?: Record<string, string>,
  ): void {
    if (res.destroyed) return;
    this.write(res, status, payload, headers);
    const seconds = (performance.now() - started) / 1000;
    for (const listener of this.responseListeners) listener('POST', route.url, status, seconds);
  }

  private write(
    res: ServerResponse,
    status: number,
    payload: unknown,
    headers?: Record<string, string>,
  ): void {
    if (res.destroyed) return;
    const json = JSON.stringify(payload);
    const head = [
      'content-type',
      'application/json; charset=utf-8',
      'content-length',
      String(Buffer.byteLength(json)),
    ];
    if (headers) for (const [name, value] of Object.entries(headers)) head.push(name, value);
    res.writeHead(status, head);
    res.end(json);
  }
}

const statusOf = (err: Error) => (err as { statusCode?: number }).statusCode ?? 400;

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
