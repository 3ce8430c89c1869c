import { API_ERRORS, type ApiErrorCode } from '@paddock/protocol/api/errors';

/** The one error type any layer throws; the HTTP error mapper turns it into a status and envelope. */
export class AppError extends Error {
  /** Set when the layer that threw already wrote the audit record, so the HTTP layer does not. */
  audited = false;

  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
  }

  /** The HTTP status that goes with this error's code. */
  get status(): number {
    return API_ERRORS[this.code];
  }
}

/** A 422 naming the offending field, for checks schemas cannot express. */
export function invalidField(field: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', `${field}: ${message}`, { errors: [{ field, message }] });
}
