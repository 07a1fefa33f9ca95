import { PermanentError } from '../../contracts';

/** Why the hub refused a file; a fixed code, safe to log, to journal and to show. */
export type FileRefusedReason =
  | 'bad-url'
  | 'scheme-not-allowed'
  | 'userinfo'
  | 'host-not-allowed'
  | 'ip-literal'
  | 'private-address'
  | 'redirect-off-list'
  | 'too-many-redirects'
  | 'http-status'
  | 'too-large'
  | 'size-mismatch'
  | 'sha256-mismatch'
  | 'not-stored'
  | 'bad-content'
  | 'bad-meta';

/**
 * A file the hub will not take, fetch or hand out, and will not for the same input next time:
 * a permanent failure (dead-lettered with the reason, never retried). The message names hosts,
 * sizes and digests, never a URL's path or query (a portal's link may carry its own token).
 */
export class FileRefused extends PermanentError {
  constructor(
    readonly reason: FileRefusedReason,
    message: string,
  ) {
    super(message);
  }
}
