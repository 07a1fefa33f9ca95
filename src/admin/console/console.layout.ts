import Mustache from 'mustache';
import type { Principal } from '../auth/admin-auth.service';
import { allows, type Permission } from '../auth/admin.roles';
import { CONSOLE_LANGS, t, wordsFor, type ConsoleLang } from './console.i18n';

/** Where the console's pages live. */
export const CONSOLE_BASE = '/console';

/** One entry of the navigation: shown only when the principal holds its permission somewhere. */
const NAV: { key: string; href: string; permission: Permission; hub?: boolean; id: string }[] = [
  { id: 'cases', key: 'nav.cases', href: `${CONSOLE_BASE}/cases`, permission: 'cases.read' },
  { id: 'dead-letters', key: 'nav.deadLetters', href: `${CONSOLE_BASE}/dead-letters`, permission: 'dead-letters.read' },
  { id: 'adapters', key: 'nav.adapters', href: `${CONSOLE_BASE}/adapters`, permission: 'adapters.read' },
  { id: 'config', key: 'nav.config', href: `${CONSOLE_BASE}/config`, permission: 'config.read' },
  { id: 'dashboard', key: 'nav.dashboard', href: `${CONSOLE_BASE}/dashboard`, permission: 'dashboard.read' },
  { id: 'audit', key: 'nav.audit', href: `${CONSOLE_BASE}/audit`, permission: 'audit.read' },
  { id: 'tokens', key: 'nav.tokens', href: `${CONSOLE_BASE}/tokens`, permission: 'tokens.manage', hub: true },
];

const LAYOUT = `<!doctype html>
<html lang="{{lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<meta name="htmx-config" content='{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false}'>
<title>{{title}} · {{appTitle}}</title>
<link rel="stylesheet" href="${CONSOLE_BASE}/assets/console.css">
<script src="${CONSOLE_BASE}/assets/htmx.min.js" defer></script>
</head>
<body{{#csrf}} hx-headers='{"X-CSRF-Token": "{{csrf}}"}'{{/csrf}}>
<header class="top">
  <a class="brand" href="${CONSOLE_BASE}">cabinet-hub</a>
  <nav>{{#nav}}<a href="{{href}}"{{#active}} aria-current="page"{{/active}} data-nav="{{id}}">{{label}}</a>{{/nav}}</nav>
  <div class="who">
    {{#langs}}<a href="?lang={{code}}" class="lang{{#active}} on{{/active}}" hreflang="{{code}}">{{code}}</a>{{/langs}}
    {{#user}}<span class="user" title="{{actor}}">{{name}}</span>{{/user}}
    {{#csrf}}<form method="post" action="${CONSOLE_BASE}/logout" class="inline"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit" class="secondary" id="sign-out">{{signOut}}</button></form>{{/csrf}}
  </div>
</header>
<main>
<h1>{{title}}</h1>
{{{body}}}
</main>
</body>
</html>`;

/** What a page gives the layout. */
export interface PageParts {
  lang: ConsoleLang;
  principal?: Principal;
  title: string;
  /** The navigation entry to mark (`cases`, `dead-letters`, …). */
  active?: string;
  /** The page's HTML, already rendered (escaped by its own template). */
  body: string;
}

/** A whole page: layout, navigation by permission, language switch, the sign-out form with CSRF. */
export function renderPage(p: PageParts): string {
  const g = p.principal?.grants ?? {};
  const nav = p.principal
    ? NAV.filter((n) => (n.hub ? allows(g, n.permission, '*') : Object.keys(g).some((tenant) => allows(g, n.permission, tenant)))).map((n) => ({
        id: n.id,
        href: n.href,
        label: t(p.lang, n.key),
        active: n.id === p.active,
      }))
    : [];
  return Mustache.render(LAYOUT, {
    lang: p.lang,
    title: p.title,
    appTitle: t(p.lang, 'app.title'),
    nav,
    langs: CONSOLE_LANGS.map((code) => ({ code, active: code === p.lang })),
    user: p.principal ? { name: p.principal.name, actor: p.principal.actor } : undefined,
    csrf: p.principal?.csrf,
    signOut: t(p.lang, 'auth.signOut'),
    body: p.body,
  });
}

/** Renders a page fragment with the words of a language available as `{{#t}}key{{/t}}`. */
export function renderPart(template: string, lang: ConsoleLang, view: Record<string, unknown>): string {
  return Mustache.render(template, { ...view, t: wordsFor(lang), lang });
}

/** An error page in the user's language. */
export function renderError(lang: ConsoleLang, status: number, message: string, principal?: Principal): string {
  const key = `error.${status}`;
  return renderPage({
    lang,
    ...(principal ? { principal } : {}),
    title: t(lang, key) === key ? String(status) : t(lang, key),
    body: renderPart(
      `<p class="error">{{message}}</p><p>{{#signIn}}<a href="${CONSOLE_BASE}/login">{{#t}}auth.signIn{{/t}}</a>{{/signIn}} <a href="${CONSOLE_BASE}">{{#t}}error.back{{/t}}</a></p>`,
      lang,
      {
        message,
        signIn: status === 401,
      },
    ),
  });
}

/** The console's style sheet: small, no framework, readable on a clerk's old monitor. */
export const CONSOLE_CSS = `
:root { --fg:#1d2733; --muted:#5b6b7c; --line:#d7dee6; --bg:#f6f8fa; --accent:#0b5cad; --bad:#b3261e; --warn:#9a6700; --ok:#1a7f37; }
* { box-sizing: border-box; }
body { margin:0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--fg); background:#fff; }
header.top { display:flex; gap:1.5rem; align-items:center; padding:.5rem 1rem; background:var(--bg); border-bottom:1px solid var(--line); flex-wrap:wrap; }
header.top nav a { margin-right:1rem; color:var(--fg); text-decoration:none; }
header.top nav a[aria-current] { font-weight:600; border-bottom:2px solid var(--accent); }
.brand { font-weight:700; color:var(--accent); text-decoration:none; }
.who { margin-left:auto; display:flex; gap:.5rem; align-items:center; }
.lang { color:var(--muted); text-transform:uppercase; font-size:.8rem; text-decoration:none; }
.lang.on { color:var(--fg); font-weight:700; }
main { padding:1rem 1.5rem; max-width:1400px; }
h1 { font-size:1.4rem; margin:.2rem 0 1rem; }
h2 { font-size:1.1rem; margin:1.5rem 0 .5rem; }
table { border-collapse:collapse; width:100%; margin:.5rem 0 1rem; }
th, td { text-align:left; padding:.35rem .5rem; border-bottom:1px solid var(--line); vertical-align:top; }
th { background:var(--bg); font-weight:600; font-size:.85rem; color:var(--muted); }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size:.85rem; }
pre { background:var(--bg); padding:.5rem; overflow:auto; max-height:30rem; border:1px solid var(--line); }
form.inline { display:inline; }
form.filters { display:flex; gap:.5rem; flex-wrap:wrap; align-items:end; margin-bottom:1rem; }
form.filters label, form.action label { display:flex; flex-direction:column; font-size:.8rem; color:var(--muted); }
input, select, textarea, button { font:inherit; padding:.3rem .45rem; border:1px solid var(--line); border-radius:4px; }
button { background:var(--accent); color:#fff; border-color:var(--accent); cursor:pointer; }
button.secondary { background:#fff; color:var(--accent); }
button.danger { background:var(--bad); border-color:var(--bad); }
.error { color:var(--bad); }
.muted { color:var(--muted); }
.badge { display:inline-block; padding:0 .4rem; border-radius:8px; font-size:.8rem; background:var(--bg); border:1px solid var(--line); }
.badge.bad { color:var(--bad); border-color:var(--bad); }
.badge.warn { color:var(--warn); border-color:var(--warn); }
.badge.ok { color:var(--ok); border-color:var(--ok); }
.masked { color:var(--muted); letter-spacing:.05em; }
.cards { display:flex; gap:1rem; flex-wrap:wrap; }
.card { border:1px solid var(--line); border-radius:6px; padding:.75rem 1rem; min-width:10rem; }
.card .n { font-size:1.6rem; font-weight:700; }
/* cases: the timeline with the message view beside it */
.split { display:grid; grid-template-columns:minmax(0,3fr) minmax(0,2fr); gap:1.5rem; }
@media (max-width: 1000px) { .split { grid-template-columns:1fr; } }
dl.case-head { display:grid; grid-template-columns:max-content 1fr; gap:.2rem 1rem; margin:0 0 1rem; }
dl.case-head dt { color:var(--muted); font-size:.85rem; }
dl.case-head dd { margin:0; }
td.summary div { font-size:.85rem; overflow-wrap:anywhere; }
.revealed { background:#fff4d6; padding:0 .2rem; }
form.reveal { display:flex; gap:.3rem; }
`;
