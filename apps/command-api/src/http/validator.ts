import Ajv, { ErrorObject, JSONSchemaType, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { AppError } from '../../../../libs/platform/src/app-error';

const bodies = withKeywords(new Ajv({ allErrors: false, strict: true }));
// Query strings arrive as text: coerce "50" → 50, then validate like a body.
const queries = withKeywords(new Ajv({ allErrors: false, strict: true, coerceTypes: true }));

/**
 * `maxUnits`: a maximum length in UTF-16 code units (JS .length), as the domain policy counts
 * message bodies; Ajv's own maxLength counts code points, so an emoji would count once, not twice.
 */
function withKeywords(ajv: Ajv): Ajv {
  const check = (max: number, data: string): boolean => {
    if (data.length <= max) return true;
    check.errors = [
      {
        keyword: 'maxUnits',
        instancePath: '',
        schemaPath: '',
        params: { max },
        message: `must NOT have more than ${max} characters`,
      },
    ];
    return false;
  };
  check.errors = [] as ErrorObject[];
  ajv.addKeyword({
    keyword: 'maxUnits',
    type: 'string',
    schemaType: 'number',
    validate: check,
    errors: true,
  });
  return addFormats(ajv);
}

export type Validator<T> = (input: unknown) => T;

/**
 * Compiles a schema ONCE (at module load) into a function that returns the typed input or
 * throws AppError('invalid_request', 400) with a message naming the offending field.
 */
export function compileBody<T>(schema: JSONSchemaType<T> | object, where = 'body'): Validator<T> {
  return wrap<T>(bodies.compile<T>(schema as JSONSchemaType<T>), where);
}

export function compileQuery<T>(schema: JSONSchemaType<T> | object): Validator<T> {
  return wrap<T>(queries.compile<T>(schema as JSONSchemaType<T>), 'query');
}

function wrap<T>(validate: ValidateFunction<T>, where: string): Validator<T> {
  return (input) => {
    const value = input ?? (where === 'query' ? {} : undefined);
    if (validate(value)) return value;
    throw new AppError('invalid_request', describe(validate.errors?.[0], where), 400);
  };
}

/** e.g. "body.members[2]: must NOT have more than 64 characters", "body: unknown field 'foo'". */
export function describe(error: ErrorObject | undefined, where: string): string {
  if (!error) return `${where}: invalid`;
  const path = where + error.instancePath.replace(/\/(\d+)/g, '[$1]').replace(/\//g, '.');
  if (error.keyword === 'additionalProperties')
    return `${path}: unknown field '${(error.params as { additionalProperty: string }).additionalProperty}'`;
  if (error.keyword === 'required')
    return `${path}.${(error.params as { missingProperty: string }).missingProperty}: is required`;
  return `${path}: ${error.message ?? 'is invalid'}`;
}
