/**
 * The one error type of the admin surface. The HTTP admin API turns it into a JSON answer with
 * its status; programmatic callers (tests) catch it and read `status`, so both paths report the
 * same problem the same way.
 */
export class MockAdminError extends Error {
  override readonly name = 'MockAdminError';
  /**
   * @param status HTTP status the admin API answers with (400 bad input, 404 unknown id, 409 conflict)
   * @param message what is wrong, for a developer
   * @param details optional structured details (e.g. every invalid field), returned as JSON
   */
  constructor(
    readonly status: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}
