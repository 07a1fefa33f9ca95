/**
 * The layers of cabinet-hub, enforced in CI (`npm run lint`). README.md, "Layout", draws them.
 *
 * Top level: contracts at the bottom; mocks on contracts only; adapters on contracts only; the
 * hub (src/) on contracts and adapters. Tests may reach anything.
 *
 * Inside src/, each folder may import only the folders listed before it (and itself); the
 * composition root (app/, cli/, main.ts) is imported by nothing below it.
 */
const SRC_LAYERS = [
  'logging',
  'templates',
  'config',
  'metrics',
  'messaging',
  'persistence',
  'files',
  'routing',
  'outbox',
  'evidence',
  'cases',
  'deadlines',
  'ingress',
  'portal',
  'adapter-host',
  'notifications',
  'ops',
  'admin',
  'app',
  'cli',
];

const NOT_TEST = '\\.(test|e2e)\\.ts$';

const layerRules = SRC_LAYERS.map((layer, i) => {
  const higher = SRC_LAYERS.slice(i + 1);
  return higher.length
    ? {
        name: `src-${layer}-imports-only-lower-layers`,
        comment: `src/${layer} may import only ${SRC_LAYERS.slice(0, i).join(', ') || 'nothing else in src'}; it must not import ${higher.join(', ')}`,
        severity: 'error',
        from: { path: `^src/${layer}/`, pathNot: NOT_TEST },
        to: { path: `^src/(${higher.join('|')})/|^src/main\\.ts$` },
      }
    : null;
}).filter(Boolean);

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No module cycles (conventions.md).',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'contracts-depend-on-nothing',
      severity: 'error',
      from: { path: '^contracts/' },
      to: { path: '^(src|adapters|mocks|test)/' },
    },
    {
      name: 'mocks-depend-on-contracts-at-most',
      comment: 'A mock is written from the vendor docs, never from the adapter it serves.',
      severity: 'error',
      from: { path: '^mocks/', pathNot: NOT_TEST },
      to: { path: '^(src|adapters|test)/' },
    },
    {
      name: 'adapters-depend-on-contracts-only',
      severity: 'error',
      from: { path: '^adapters/', pathNot: NOT_TEST },
      to: { path: '^(src|mocks|test)/' },
    },
    {
      name: 'hub-never-imports-mocks-or-tests',
      comment: 'The production image has no mocks and no tests.',
      severity: 'error',
      from: { path: '^src/', pathNot: NOT_TEST },
      to: { path: '^(mocks|test)/' },
    },
    {
      name: 'src-files-in-a-layer',
      comment: 'Every file of src/ lives in one of the layer folders, or is src/main.ts.',
      severity: 'error',
      from: { path: '^src/', pathNot: `^src/(${SRC_LAYERS.join('|')})/|^src/main\\.ts$` },
      to: {},
    },
    ...layerRules,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
