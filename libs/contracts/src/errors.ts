// Error codes cross process boundaries (HTTP bodies, DLQ headers), where only the code
// survives. Each is mapped once here: its HTTP status and whether a consumer should
// retry the message (true) or send it to the DLQ (false).
const code = <C extends string>(code: C, httpStatus: number, retryable = false) => ({ code, httpStatus, retryable });

export const ERROR_CODES = {
  // SPEC §5
  VALIDATION_FAILED: code('VALIDATION_FAILED', 400),
  UNAUTHENTICATED: code('UNAUTHENTICATED', 401),
  NOT_FOUND: code('NOT_FOUND', 404),
  NO_SSO_CONNECTION: code('NO_SSO_CONNECTION', 409),
  NO_SSO_LOGIN_DATA: code('NO_SSO_LOGIN_DATA', 409),
  ALL_INSTANCES_CONNECTED: code('ALL_INSTANCES_CONNECTED', 409),
  INSTANCE_ALREADY_CONNECTED: code('INSTANCE_ALREADY_CONNECTED', 409),
  CONNECTION_STILL_CONNECTED: code('CONNECTION_STILL_CONNECTED', 409),
  SSO_CONNECTION_IN_USE: code('SSO_CONNECTION_IN_USE', 409),
  INVALID_TRANSITION: code('INVALID_TRANSITION', 409),
  EFFECTIVE_AT_INVALID: code('EFFECTIVE_AT_INVALID', 409),
  PAYLOAD_TOO_LARGE: code('PAYLOAD_TOO_LARGE', 413),
  FORBIDDEN: code('FORBIDDEN', 403),
  LAST_ADMIN_KEY: code('LAST_ADMIN_KEY', 409),
  RATE_LIMITED: code('RATE_LIMITED', 429, true),
  // Ours, same style
  SERVICE_UNAVAILABLE: code('SERVICE_UNAVAILABLE', 503, true),
  INTERNAL: code('INTERNAL', 500, true),
  // Consumer rejections (DLQ reasons)
  INVALID_PAYLOAD: code('INVALID_PAYLOAD', 400),
  UNKNOWN_SSO_CONNECTION: code('UNKNOWN_SSO_CONNECTION', 422),
  UNKNOWN_CONNECTION: code('UNKNOWN_CONNECTION', 422),
  TENANT_MISMATCH: code('TENANT_MISMATCH', 422),
  PROCESSING_FAILED: code('PROCESSING_FAILED', 500),
  CONNECTION_DELETED: code('CONNECTION_DELETED', 422),
  DATED_IN_FUTURE: code('DATED_IN_FUTURE', 422),
  OUTSIDE_CONNECTED_PERIOD: code('OUTSIDE_CONNECTED_PERIOD', 422),
  INCOMPLETE_PAGE_SET: code('INCOMPLETE_PAGE_SET', 422),
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export const isErrorCode = (value: string): value is ErrorCode => Object.hasOwn(ERROR_CODES, value);

/** The body of every error answer (SPEC §5). */
export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}
