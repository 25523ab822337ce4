import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import { isDomainError } from '../../../domain/src';
import { AppError, fromDomainError } from '../app-error';
import { Logger } from '../logger';
import { errorHeaders } from './rate-limit';

interface ErrorBody {
  error: { code: string; message: string };
}

/** Codes for errors raised by Fastify/Nest before our handlers run (parsing, routing). */
const HTTP_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'invalid_token',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

/**
 * Every error leaves as `{error:{code,message}}` with its status; never a stack trace.
 * Unknown errors are logged and answered 500 internal. A 429 carries `Retry-After`.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const { status, body, headers } = this.toResponse(exception);
    const reply = host.switchToHttp().getResponse();
    if (host.getType() !== 'http' || !reply || typeof reply.status !== 'function') return;
    if (reply.sent) return;
    reply.status(status).header('content-type', 'application/json; charset=utf-8');
    if (headers) for (const [name, value] of Object.entries(headers)) reply.header(name, value);
    reply.send(body);
  }

  toResponse(exception: unknown): {
    status: number;
    body: ErrorBody;
    headers?: Record<string, string>;
  } {
    if (exception instanceof AppError) {
      const headers = errorHeaders(exception);
      const response = shape(exception.status, exception.code, exception.message);
      return headers ? { ...response, headers } : response;
    }
    if (isDomainError(exception)) return this.toResponse(fromDomainError(exception));
    if (exception instanceof HttpException) return fromHttpException(exception);
    this.logger.error({ err: exception }, 'unhandled error');
    return shape(500, 'internal', 'Internal server error');
  }
}

function fromHttpException(exception: HttpException): { status: number; body: ErrorBody } {
  const status = exception.getStatus();
  const message = exception.message;
  // Fastify's JSON parser failures arrive here as 400s (invalid or empty JSON body).
  if (status === 400 && /JSON|Body cannot be empty/i.test(message))
    return shape(400, 'invalid_json', message);
  if (status === 404) return shape(404, 'not_found', 'No such route');
  if (status === 413) return shape(413, 'payload_too_large', 'Request body is too large');
  return shape(
    status,
    HTTP_CODES[status] ?? (status >= 500 ? 'internal' : 'bad_request'),
    status >= 500 ? 'Internal server error' : message,
  );
}

const shape = (status: number, code: string, message: string) => ({
  status,
  body: { error: { code, message } },
});
