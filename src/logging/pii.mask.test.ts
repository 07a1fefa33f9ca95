import { maskPii, safeError } from './pii.mask';

describe('pii.mask', () => {
  describe('maskPii', () => {
    it.each(['olena.kovalenko@example.com', 'o+tag@mail.example.ua', 'олена.коваленко@приклад.укр', 'петро@example.com'])('masks the e-mail address %s', (email) => {
      expect(maskPii(`cannot deliver to ${email}: mailbox full`)).toBe('cannot deliver to [email]: mailbox full');
    });

    it.each(['+380 44 123 45 67', '+380671234567', '(044) 123-45-67', '+7 (495) 123-45-67', '044.123.45.67', '067-123-45-67'])('masks the phone number %s', (phone) => {
      const masked = maskPii(`callback to ${phone} failed`);

      expect(masked).toContain('[phone]');
      // No digit of the number may survive, whatever the separators.
      expect(masked).not.toMatch(/\d/);
    });

    it('masks several values in one text', () => {
      expect(maskPii('a@b.example and +380671234567, c@d.example')).toBe('[email] and [phone], [email]');
    });

    it('keeps ports and counts', () => {
      const text = 'connect ECONNREFUSED rabbitmq:5672 after 3 attempts; 250 messages in 12 batches; limit 1048576';
      expect(maskPii(text)).toBe(text);
    });

    it('keeps ISO dates and timestamps', () => {
      const text = 'event time 2024-05-14T09:12:33Z is before 2024-05-01';
      expect(maskPii(text)).toBe(text);
    });

    it('keeps text without personal data unchanged', () => {
      expect(maskPii('duplicate key value violates unique constraint "journal_pkey"')).toBe('duplicate key value violates unique constraint "journal_pkey"');
    });
  });

  describe('safeError', () => {
    it('never includes pg detail, which holds row values', () => {
      const pgError = Object.assign(new Error('duplicate key value violates unique constraint "appeal_email_key"'), {
        code: '23505',
        detail: 'Key (email)=(olena.kovalenko@example.com) already exists.',
        table: 'appeal',
      });

      const safe = safeError(pgError);

      expect(safe).toEqual({ kind: 'Error', code: '23505', message: 'duplicate key value violates unique constraint "appeal_email_key"' });
      expect(JSON.stringify(safe)).not.toContain('olena');
    });

    it('masks personal data in the message and keeps the class name', () => {
      class DeliveryError extends Error {
        override name = 'DeliveryError';
      }

      expect(safeError(new DeliveryError('no mailbox olena@example.com, phone +380 67 123 45 67'))).toEqual({
        kind: 'DeliveryError',
        code: undefined,
        message: 'no mailbox [email], phone [phone]',
      });
    });

    it('drops a non-string code', () => {
      expect(safeError(Object.assign(new Error('x'), { code: 42 })).code).toBeUndefined();
    });

    it('truncates the message to 500 characters', () => {
      expect(safeError(new Error('e'.repeat(2000))).message).toHaveLength(500);
    });

    it('describes a thrown non-Error value, masked', () => {
      expect(safeError('failed for olena@example.com')).toEqual({ kind: 'NonError', message: 'failed for [email]' });
      expect(safeError(undefined)).toEqual({ kind: 'NonError', message: 'undefined' });
    });
  });
});
