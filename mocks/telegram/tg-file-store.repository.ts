import { randomBytes } from 'node:crypto';

/** A file the bots sent, addressable by its file_id afterwards (as Telegram lets bots resend). */
export interface StoredFile {
  fileId: string;
  fileUniqueId: string;
  kind: 'document' | 'photo';
  fileName: string | null;
  mimeType: string | null;
  size: number;
  width?: number;
  height?: number;
}

const ID_PREFIX: Readonly<Record<StoredFile['kind'], string>> = { document: 'BQACAgIAAxkBAAI', photo: 'AgACAgIAAxkBAAI' };

/** Files by file_id. */
export class TgFileStore {
  private readonly files = new Map<string, StoredFile>();

  /**
   * Stores a file under a new file_id. `file_unique_id` is derived from the content hash, so the
   * same bytes keep the same unique id, as on Telegram.
   */
  put(file: Omit<StoredFile, 'fileId' | 'fileUniqueId'>, sha256: string): StoredFile {
    const stored: StoredFile = {
      ...file,
      fileId: ID_PREFIX[file.kind] + randomBytes(36).toString('base64url'),
      fileUniqueId: (file.kind === 'photo' ? 'AQAD' : 'AgAD') + Buffer.from(sha256.slice(0, 18), 'hex').toString('base64url'),
    };
    this.files.set(stored.fileId, stored);
    return stored;
  }

  /** A file by file_id. */
  get(fileId: string): StoredFile | undefined {
    return this.files.get(fileId);
  }

  /** Forgets every file. */
  clear(): void {
    this.files.clear();
  }
}

const MIME_BY_EXTENSION: ReadonlyMap<string, string> = new Map([
  ['pdf', 'application/pdf'], ['txt', 'text/plain'], ['csv', 'text/csv'], ['html', 'text/html'], ['xml', 'application/xml'],
  ['json', 'application/json'], ['zip', 'application/zip'], ['rtf', 'application/rtf'], ['odt', 'application/vnd.oasis.opendocument.text'],
  ['doc', 'application/msword'], ['xls', 'application/vnd.ms-excel'],
  ['docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
  ['xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
  ['jpg', 'image/jpeg'], ['jpeg', 'image/jpeg'], ['png', 'image/png'], ['gif', 'image/gif'], ['webp', 'image/webp'],
  ['p7s', 'application/pkcs7-signature'], ['sig', 'application/pgp-signature'], ['asice', 'application/vnd.etsi.asic-e+zip'],
]);

/**
 * The `mime_type` Telegram reports: the part's content type unless it is the generic
 * `application/octet-stream` (grammY always sends that), then a guess from the extension.
 */
export function mimeTypeOf(fileName: string | null, partType: string | null): string | null {
  const declared = partType?.split(';')[0].trim().toLowerCase() ?? '';
  if (declared !== '' && declared !== 'application/octet-stream') return declared;
  const ext = fileName?.includes('.') ? fileName.slice(fileName.lastIndexOf('.') + 1).toLowerCase() : '';
  return MIME_BY_EXTENSION.get(ext) ?? (declared === '' ? null : declared);
}
