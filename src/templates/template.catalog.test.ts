import { DEFAULT_TEMPLATES } from './default.templates';
import { BOT_VARIABLES, RULE_VARIABLES } from './event.variables';
import { smsSegments, TemplateCatalog, variablesOf } from './template.catalog';

describe('TemplateCatalog', () => {
  const catalog = new TemplateCatalog({
    notice: {
      sms: { uk: 'Звернення {{caseRef}}: {{status}}', en: 'Appeal {{caseRef}}: {{status}}' },
      email: { en: { subject: 'Appeal {{caseRef}}\nnext line', text: 'Hello {{name}}', html: '<p>{{name}}</p>' } },
    },
  });

  it('renders in the requested locale, falls back to English, and never escapes plain text', () => {
    expect(catalog.render('notice', 'sms', 'uk', { caseRef: 'EP-1', status: '<ok> & "done"' })).toEqual({ locale: 'uk', text: 'Звернення EP-1: <ok> & "done"' });
    expect(catalog.render('notice', 'sms', 'ru', { caseRef: 'EP-1', status: 'x' }).locale).toBe('en');
    // Messengers use the SMS text when the template has no messenger text.
    expect(catalog.render('notice', 'viber', 'uk', { caseRef: 'EP-1', status: 'x' }).text).toBe('Звернення EP-1: x');
  });

  it('escapes values in the HTML part of an e-mail and keeps the subject on one line', () => {
    const r = catalog.render('notice', 'email', 'uk', { caseRef: 'EP-1', name: '<script>alert(1)</script>' });
    expect(r.html).toBe('<p>&lt;script&gt;alert(1)&lt;&#x2F;script&gt;</p>');
    expect(r.text).toBe('Hello <script>alert(1)</script>');
    expect(r.subject).toBe('Appeal EP-1 next line');
  });

  it('reads nothing but the given values (no prototype lookups)', () => {
    const c = new TemplateCatalog({ t: { sms: { en: '[{{constructor}}][{{toString}}]' } } });
    expect(c.render('t', 'sms', 'en', {}).text).toBe('[][]');
  });

  it('knows which variables a template uses and which are missing', () => {
    expect([...catalog.variables('notice')].sort()).toEqual(['caseRef', 'name', 'status']);
    expect(catalog.missing('notice', { caseRef: 'x' }).sort()).toEqual(['name', 'status']);
    expect(catalog.supports('notice', 'telegram')).toBe(true);
    expect(new TemplateCatalog({ t: { email: { en: { subject: 's', text: 't' } } } }).supports('t', 'sms')).toBe(false);
  });

  it('refuses partials, dotted paths and delimiter changes', () => {
    expect(() => variablesOf('{{> partial}}')).toThrow(/partials/);
    expect(() => variablesOf('{{a.b}}')).toThrow(/plain variable/);
    expect(() => variablesOf('{{=<% %>=}}')).toThrow(/delimiter/);
    expect([...variablesOf('{{#comment}} {{comment}}{{/comment}}')]).toEqual(['comment']);
  });

  it('counts SMS segments as operators bill them', () => {
    expect(smsSegments('a'.repeat(160))).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    expect(smsSegments('a'.repeat(161))).toMatchObject({ encoding: 'GSM-7', segments: 2 });
    expect(smsSegments('ж'.repeat(70))).toMatchObject({ encoding: 'UCS-2', segments: 1 });
    expect(smsSegments('ж'.repeat(71))).toMatchObject({ encoding: 'UCS-2', segments: 2 });
  });
});

describe('TemplateCatalog.validate', () => {
  const none = new Map();

  it('reports a missing English fallback, bad syntax, an over-long SMS and a template without text', () => {
    const issues = TemplateCatalog.validate(
      {
        a: { sms: { uk: 'Привіт' } },
        b: { messenger: { en: 'Hi {{name' } },
        c: { sms: { en: 'ж'.repeat(200) } },
        d: {},
      },
      none,
      2,
    );
    expect(issues).toEqual([
      { path: '/notifications/templates/a/sms/en', message: expect.stringMatching(/English is the fallback/) },
      { path: '/notifications/templates/b/messenger/en', message: expect.stringMatching(/not a valid template/) },
      { path: '/notifications/templates/c/sms/en', message: 'is 3 SMS segments (UCS-2) before variables are filled in; the limit is 2' },
      { path: '/notifications/templates/d', message: expect.stringMatching(/no text for any channel/) },
    ]);
  });

  it('reports a variable the bound event does not provide, at the rule', () => {
    const issues = TemplateCatalog.validate(
      { t: { sms: { en: '{{caseRef}} {{answerText}}' } } },
      new Map([['t', [{ path: '/notifications/rules/0/template', event: 'appeal.registered', variables: RULE_VARIABLES['appeal.registered'] }]]]),
      4,
    );
    expect(issues).toEqual([{ path: '/notifications/rules/0/template', message: expect.stringMatching(/uses \{\{answerText\}\}, which appeal.registered does not provide/) }]);
  });

  it('accepts the built-in templates for the events and bot answers they serve', () => {
    const provided = new Map<string, { path: string; event: string; variables: readonly string[] }[]>();
    for (const [event, variables] of Object.entries(RULE_VARIABLES)) provided.set(event, [{ path: `/rule/${event}`, event, variables }]);
    for (const [id, variables] of Object.entries(BOT_VARIABLES)) provided.set(id, [{ path: `/bot/${id}`, event: 'the bot', variables }]);
    expect(TemplateCatalog.validate(DEFAULT_TEMPLATES, provided, 4)).toEqual([]);
  });
});
