import type { ApiErrorBody, ApiErrorCode } from '@paddock/protocol/api/errors';
import { RpcError, RpcErrorCode } from '@paddock/protocol';
import { AppError } from '../errors.ts';

/** What the client receives for a failed request. */
export interface MappedError {
  status: number;
  body: ApiErrorBody;
  /** True when the cause is ours, not the client's: log it with its stack. */
  internal: boolean;
}

interface ValidationIssue {
  path?: string;
  message?: string;
  summary?: string;
}

/**
 * The single place deciding an error's HTTP status. Elysia's own errors arrive with a string code,
 * database errors with a SQLSTATE; everything unknown becomes a 500 without internals leaking.
 */
export function mapError(error: unknown, elysiaCode?: string | number): MappedError {
  // Elysia wraps whatever a parser throws in its ParseError; ours are meant as they are.
  if (elysiaCode === 'PARSE' && error instanceof Error && error.cause instanceof AppError)
    error = error.cause;
  if (error instanceof AppError) return envelope(error.status, error.code, error.message, error.details);
  if (error instanceof RpcError) return agentError(error);
  switch (elysiaCode) {
    case 'VALIDATION':
      return validationError(error);
    case 'PARSE':
      return envelope(
        400,
        'BAD_REQUEST',
        'the request body is not valid JSON (or does not match its content-type)',
      );
    case 'NOT_FOUND':
      return envelope(404, 'NOT_FOUND', 'no such route');
    case 'INVALID_COOKIE_SIGNATURE':
      return envelope(400, 'BAD_REQUEST', 'invalid cookie');
    case 'INVALID_FILE_TYPE':
      return envelope(415, 'UNSUPPORTED_MEDIA_TYPE', 'unsupported file type');
  }
  const pgCode = typeof error === 'object' && error && 'code' in error ? String(error.code) : '';
  switch (pgCode) {
    case '23505':
      return envelope(409, 'ALREADY_EXISTS', 'an object with the same unique value already exists', {
        constraint: (error as { constraint?: string }).constraint,
      });
    case '23503':
      return envelope(409, 'CONFLICT', 'the object is referenced by or refers to another object');
    case '22P02':
    case '22003':
    case '22001':
    case '22007':
    case '22008':
      return envelope(400, 'BAD_REQUEST', 'a value has the wrong format or is out of range');
    // NUL in text (22021 on PostgreSQL, 22P05 when the encoding cannot hold a character): the
    // parsers refuse NUL earlier; this catches whatever path they do not see.
    case '22021':
    case '22P05':
      return envelope(400, 'BAD_REQUEST', 'a text value holds a character the database cannot store (NUL)');
    case '54000':
      return envelope(400, 'BAD_REQUEST', 'a value is too large for the database');
  }
  const status = typeof error === 'object' && error && 'status' in error ? Number(error.status) : 0;
  if (status === 413) return envelope(413, 'PAYLOAD_TOO_LARGE', 'the request body is too large');
  return {
    ...envelope(500, 'INTERNAL', 'internal error; the request id in the logs has the details'),
    internal: true,
  };
}

// An agent's answer: its code says whose fault it was.
function agentError(error: RpcError): MappedError {
  const details = { agentCode: error.code, ...(error.data !== undefined && { agentData: error.data }) };
  switch (error.code) {
    case RpcErrorCode.NOT_FOUND:
      return envelope(404, 'NOT_FOUND', error.message, details);
    case RpcErrorCode.CONFLICT:
      return envelope(409, 'CONFLICT', error.message, details);
    case RpcErrorCode.TIMEOUT:
      return envelope(504, 'AGENT_TIMEOUT', error.message, details);
    case RpcErrorCode.AGENT_DISCONNECTED:
      return envelope(409, 'NODE_OFFLINE', error.message, details);
    default:
      return envelope(502, 'AGENT_ERROR', error.message, details);
  }
}

function validationError(error: unknown): MappedError {
  const source = error as { type?: string; all?: ValidationIssue[]; message?: string };
  const on = source.type ?? 'body';
  let issues: ValidationIssue[] = [];
  try {
    issues = source.all ?? [];
  } catch {
    issues = [];
  }
  const errors = dedupe(
    issues.map((issue) => ({
      field: fieldName(on, issue.path),
      message: tidy(issue.summary ?? issue.message ?? 'invalid value'),
    })),
  );
  const first = errors[0];
  const message = first ? `${first.field}: ${first.message}` : `invalid ${on}`;
  return envelope(422, 'VALIDATION_FAILED', message, { on, errors });
}

// Elysia's query coercion turns `integer` into a union of string-or-integer, which reads as
// "should be one of: 'integer', 'integer'"; say it once.
function tidy(message: string): string {
  return message.replace(/should be one of: '(\w+)', '\1'/, 'should be $1');
}

function fieldName(on: string, path?: string): string {
  const field = (path ?? '').replace(/^\//, '').replaceAll('/', '.');
  return field || on;
}

function dedupe<T extends { field: string }>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(item.field) && seen.add(item.field));
}

function envelope(
  status: number,
  code: ApiErrorCode,
  message: string,
  details?: Record<string, unknown>,
): MappedError {
  const error: ApiErrorBody['error'] = { code, message };
  if (details) error.details = details;
  return { status, body: { error }, internal: false };
}
