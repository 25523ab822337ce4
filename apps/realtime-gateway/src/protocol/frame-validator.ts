import Ajv, { ValidateFunction } from 'ajv';
import { ClientFrame, ClientFrameType, ErrorCode } from './frames';
import { frameSchemas } from './frame-schemas';

export type ParseResult =
  { ok: true; frame: ClientFrame } | { ok: false; code: string; message: string; ref?: string };

const ajv = new Ajv({ allErrors: false, strict: true });
/** Compiled once at load: validation is a plain function call per frame. */
const validators = new Map<string, ValidateFunction>(
  Object.entries(frameSchemas).map(([type, schema]) => [type, ajv.compile(schema)]),
);

export const isClientFrameType = (type: string): type is ClientFrameType => validators.has(type);

/** Parses and validates one text frame. Never throws. */
export function parseFrame(raw: string): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { ok: false, code: ErrorCode.invalidJson, message: 'frame is not valid JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, code: ErrorCode.invalidFrame, message: 'frame must be a JSON object' };
  }
  const { type } = value as { type?: unknown };
  if (typeof type !== 'string')
    return { ok: false, code: ErrorCode.invalidFrame, message: 'frame needs a string "type"' };
  const validate = validators.get(type);
  if (!validate)
    return {
      ok: false,
      code: ErrorCode.unknownType,
      message: `unknown frame type "${type.slice(0, 40)}"`,
    };
  if (!validate(value))
    return {
      ok: false,
      code: ErrorCode.invalidFrame,
      message: describe(validate),
      ref: refOf(value),
    };
  return { ok: true, frame: value as ClientFrame };
}

/**
 * The `type` and `ref` of a frame that is refused unprocessed (rate limited), so the client
 * can tell which one to send again; empty when the frame is not a readable JSON object.
 */
export function identifyFrame(raw: string): { frameType?: string; ref?: string } {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return {};
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const { type } = value as { type?: unknown };
  const ref = refOf(value);
  return {
    ...(typeof type === 'string' ? { frameType: type.slice(0, 40) } : {}),
    ...(ref !== undefined ? { ref } : {}),
  };
}

const describe = (validate: ValidateFunction): string => {
  const e = validate.errors?.[0];
  return e ? `${e.instancePath || 'frame'} ${e.message ?? 'is invalid'}`.trim() : 'invalid frame';
};

/** The id the client can match an error to: its clientMessageId, else the conversationId. */
const refOf = (value: object): string | undefined => {
  const v = value as { clientMessageId?: unknown; conversationId?: unknown };
  if (typeof v.clientMessageId === 'string') return v.clientMessageId.slice(0, 128);
  return typeof v.conversationId === 'string' ? v.conversationId.slice(0, 128) : undefined;
};
