import { TgApiError } from './tg-envelope.codec';
import { formatText, MESSAGE_TEXT_RULES } from './tg-formatted-text.parser';

const fmt = (text: string, mode = '', entities = '') => formatText(text, mode, entities, MESSAGE_TEXT_RULES);
const failure = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TgApiError);
    expect((err as TgApiError).code).toBe(400);
    return (err as TgApiError).description;
  }
  throw new Error('expected a TgApiError');
};

describe('formatted text', () => {
  describe('plain text', () => {
    it('trims leading and trailing whitespace and checks the 1-4096 length after trimming', () => {
      expect(fmt('  \n Hello \n ').text).toBe('Hello');
      expect(failure(() => fmt(''))).toBe('Bad Request: message text is empty');
      expect(failure(() => fmt(' \n\t '))).toBe('Bad Request: message text is empty');
      expect(fmt('я'.repeat(4096)).text).toHaveLength(4096);
      expect(failure(() => fmt('x'.repeat(4097)))).toBe('Bad Request: message is too long');
      expect(fmt(`  ${'x'.repeat(4096)}  `).text).toHaveLength(4096);
    });

    it('counts length in UTF-16 code units (an emoji outside the BMP counts 2)', () => {
      expect(failure(() => fmt('😀'.repeat(2049)))).toBe('Bad Request: message is too long');
      expect(fmt('😀'.repeat(2048)).text).toHaveLength(4096);
    });

    it('keeps explicit entities, drops detectable types and ignores unparseable JSON', () => {
      const r = fmt(
        'Hello world',
        '',
        JSON.stringify([
          { type: 'bold', offset: 0, length: 5 },
          { type: 'url', offset: 6, length: 5 },
        ]),
      );
      expect(r.entities).toEqual([{ type: 'bold', offset: 0, length: 5 }]);
      expect(fmt('Hello', '', '{not json').entities).toEqual([]);
      expect(failure(() => fmt('Hello', '', '[{"type":"bold","offset":"x","length":1}]'))).toBe('Bad Request: can\'t parse MessageEntity: Field "offset" must be of type Number');
      expect(failure(() => fmt('Hello', '', '[{"type":"blink","offset":0,"length":1}]'))).toBe("Bad Request: can't parse MessageEntity: Unsupported type specified");
    });

    it('treats parse_mode case-insensitively, "none" as plain, and refuses unknown modes', () => {
      expect(fmt('<b>x</b>', 'none').text).toBe('<b>x</b>');
      expect(fmt('<b>x</b>', 'hTmL').text).toBe('x');
      expect(failure(() => fmt('x', 'Markdown3'))).toBe('Bad Request: unsupported parse_mode');
    });

    it('says MarkdownV2 and Markdown are not implemented by the mock (no adapter sends them), rather than pretending Telegram refused them', () => {
      expect(failure(() => fmt('*x*', 'MarkdownV2'))).toBe('Bad Request: parse_mode MarkdownV2 is not implemented by the mock (HTML only)');
      expect(failure(() => fmt('*x*', 'markdown'))).toBe('Bad Request: parse_mode markdown is not implemented by the mock (HTML only)');
    });
  });

  describe('HTML', () => {
    it('maps every supported tag to its entity, with offsets in the parsed text', () => {
      const r = fmt(
        '<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s><strike>k</strike><del>d</del><tg-spoiler>p</tg-spoiler><span class="tg-spoiler">q</span><code>c</code>',
        'HTML',
      );
      expect(r.text).toBe('bsieunskdpqc');
      expect(r.entities.map((e) => e.type)).toEqual(['bold', 'bold', 'italic', 'italic', 'underline', 'underline', 'strikethrough', 'strikethrough', 'strikethrough', 'spoiler', 'spoiler', 'code']);
      expect(r.entities.map((e) => e.offset)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    });

    it('handles links, mentions, pre with a language, blockquotes and custom emoji', () => {
      const r = fmt(
        '<a href="https://e.gov.ua/x?a=1&amp;b=2">link</a> <a href="tg://user?id=42">Іван</a>\n<pre><code class="language-python">print(1)</code></pre><blockquote expandable>q</blockquote><tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>',
        'HTML',
      );
      expect(r.text).toBe('link Іван\nprint(1)q👍');
      expect(r.entities).toEqual([
        { type: 'text_link', offset: 0, length: 4, url: 'https://e.gov.ua/x?a=1&b=2' },
        { type: 'text_mention', offset: 5, length: 4, user: { id: 42, is_bot: false, first_name: '' } },
        { type: 'pre', offset: 10, length: 8, language: 'python' },
        { type: 'expandable_blockquote', offset: 18, length: 1 },
        { type: 'custom_emoji', offset: 19, length: 2, custom_emoji_id: '5368324170671202286' },
      ]);
    });

    it('decodes the four named entities and numeric ones; other named entities stay as text', () => {
      expect(fmt('&lt;&gt;&amp;&quot; &#1071; &#x44F; &nbsp; &constructor; &__proto__; a & b', 'HTML').text).toBe('<>&" Я я &nbsp; &constructor; &__proto__; a & b');
    });

    it('nests entities and sorts them outer first', () => {
      const r = fmt('<b>bold <i>both</i></b>', 'HTML');
      expect(r.entities).toEqual([
        { type: 'bold', offset: 0, length: 9 },
        { type: 'italic', offset: 5, length: 4 },
      ]);
    });

    it('refuses what Telegram refuses, with its wording and UTF-8 byte offsets', () => {
      expect(failure(() => fmt('line<br>next', 'HTML'))).toBe('Bad Request: can\'t parse entities: Unsupported start tag "br" at byte offset 4');
      expect(failure(() => fmt('Ціна < 5', 'HTML'))).toBe('Bad Request: can\'t parse entities: Unsupported start tag "" at byte offset 9');
      expect(failure(() => fmt('<b>x', 'HTML'))).toBe('Bad Request: can\'t parse entities: Can\'t find end tag corresponding to start tag "b"');
      expect(failure(() => fmt('<b><i>x</b></i>', 'HTML'))).toBe('Bad Request: can\'t parse entities: Unmatched end tag at byte offset 7, expected "</i>", found "</b>"');
      expect(failure(() => fmt('x</b>', 'HTML'))).toBe("Bad Request: can't parse entities: Unexpected end tag at byte offset 1");
      expect(failure(() => fmt('<span>x</span>', 'HTML'))).toContain('Tag "span" must have class "tg-spoiler"');
    });

    it('checks the length after removing the markup', () => {
      expect(fmt(`<b>${'x'.repeat(4096)}</b>`, 'HTML').text).toHaveLength(4096);
      expect(failure(() => fmt(`<b>${'x'.repeat(4097)}</b>`, 'HTML'))).toBe('Bad Request: message is too long');
      expect(failure(() => fmt('<b> </b>', 'HTML'))).toBe('Bad Request: message text is empty');
    });
  });
});
