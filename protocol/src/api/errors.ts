/**
 * The closed list of API error codes. Any layer may throw an `AppError` with one of these; only the
 * HTTP error mapper decides the status, so the mapping lives beside the list.
 */
export const API_ERRORS = {
  VALIDATION_FAILED: 422,
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  TOKEN_EXPIRED: 401,
  TOKEN_REUSED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  USER_NOT_FOUND: 404,
  ROLE_NOT_FOUND: 404,
  NODE_NOT_FOUND: 404,
  VM_NOT_FOUND: 404,
  TASK_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  NODE_OFFLINE: 409,
  ALREADY_EXISTS: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  TOO_MANY_ATTEMPTS: 429,
  TOO_MANY_STREAMS: 429,
  INTERNAL: 500,
  AGENT_ERROR: 502,
  AGENT_TIMEOUT: 504,
  NOT_READY: 503,
} as const;

/** One of the API error codes. */
export type ApiErrorCode = keyof typeof API_ERRORS;

/** The error envelope every non-2xx API response carries. */
export interface ApiErrorBody {
  error: { code: ApiErrorCode; message: string; details?: Record<string, unknown> };
}
