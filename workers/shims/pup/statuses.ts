/** The HTTP status Pup's REST server would answer for a refusal the host raised. */
import { isPaddockError } from '../../../sdk/errors.js';

const STATUS_OF_CODE: Record<string, number> = {
  PADDOCK_ERR_TOKEN_INVALID: 401,
  PADDOCK_ERR_TOKEN_EXPIRED: 401,
  PADDOCK_ERR_TOKEN_REVOKED: 401,
  PADDOCK_ERR_SCOPE_DENIED: 403,
  PADDOCK_ERR_UNKNOWN_METHOD: 404,
  PADDOCK_ERR_INVALID_ARGUMENTS: 400,
  PADDOCK_ERR_NOT_CLONEABLE: 400,
  PADDOCK_ERR_CALL_TIMEOUT: 504,
};

export function statusOfFailure(error: unknown): { status: number; message: string; code: string | undefined } {
  const message = error instanceof Error ? error.message : String(error);
  const code = isPaddockError(error) ? error.code : undefined;
  return { status: code === undefined ? 500 : (STATUS_OF_CODE[code] ?? 500), message, code };
}
