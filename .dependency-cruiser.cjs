// Enforces the package dependency direction of ARCHITECTURE.md. Run: pnpm lint:deps
const pkg = (name) => `^packages/${name}/`;
const forbid = (name, from, to, comment) => ({ name, severity: 'error', comment, from: { path: from }, to: { path: to } });
const any = (...names) => `^packages/(${names.join('|')})/`;

module.exports = {
  forbidden: [
    forbid('domain-is-pure', pkg('domain'), '^(packages|apps)/(?!domain/)', 'domain has no dependencies on other packages'),
    forbid(
      'integrations-know-no-db',
      any('policy', 'runner', 'cloud', 'vcs', 'queue', 'logs'),
      any('db', 'core', 'api', 'ui'),
      'integrations and infrastructure packages must not depend on db, core, api or ui',
    ),
    forbid('db-below-core', pkg('db'), any('core', 'api', 'ui', 'queue', 'logs', 'policy', 'runner', 'cloud', 'vcs'), 'db sits below core'),
    forbid('core-below-api', pkg('core'), any('api', 'ui'), 'core must not depend on api or ui'),
    forbid('api-has-no-raw-db', pkg('api'), pkg('db') + 'src/(client|generated)', 'routers get the tenant-scoped handle only, never the raw Prisma client'),
    forbid('ui-is-presentational', pkg('ui'), any('api', 'core', 'db', 'queue', 'logs', 'runner', 'cloud', 'vcs', 'policy'), 'ui is shared React components'),
    forbid('nothing-imports-apps', '^packages/', '^apps/', 'packages never import apps'),
    forbid('apps-are-separate', '^apps/web/', '^apps/worker/', 'web and worker are separate processes'),
    forbid('worker-is-not-web', '^apps/worker/', '^apps/web/|' + any('api', 'ui'), 'the worker does not import web, api or ui'),
    forbid('web-has-no-raw-db', '^apps/web/', pkg('db') + 'src/(client|generated)', 'the web app reaches data through api/core only'),
    { name: 'no-circular', severity: 'warn', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|\\.next|generated)/' },
    tsPreCompilationDeps: true,
    combinedDependencies: true,
    preserveSymlinks: false,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.tsx', '.js', '.mjs'] },
    tsConfig: { fileName: 'tsconfig.base.json' },
  },
};
