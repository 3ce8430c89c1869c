/**
 * The dependency rules of docs/architecture.md, checked by `npm test` (scripts/test.sh, "layers").
 * Type-only imports count: a cycle of types still ties two files together.
 */
const notTests = '(^|/)test/';

module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'Files import each other in one direction only.',
      from: { pathNot: notTests },
      to: { circular: true },
    },
    {
      name: 'http-only-from-routes',
      severity: 'error',
      comment: 'Below the routes (db, tasks, agents, module services) nothing imports the HTTP layer.',
      from: {
        path: '^appliance/src/(db|tasks|agents|observability|events|cache|libvirt-xml|modules)/|^appliance/src/(errors|services|config|runtime)[.]ts$',
        // Route files (modules/*/routes.ts, agents/agent-routes.ts, events/events-routes.ts) are the HTTP layer's.
        pathNot: 'routes[.]ts$',
      },
      to: { path: '^appliance/src/http/' },
    },
    {
      name: 'web-apart',
      severity: 'error',
      comment: 'The console shares only the wire contract (protocol/) with the rest.',
      from: { path: '^web/' },
      to: { path: '^(appliance|agent)/' },
    },
    {
      name: 'agent-appliance-apart',
      severity: 'error',
      comment: 'The agent and the appliance share only protocol/.',
      from: { path: '^agent/' },
      to: { path: '^(appliance|web)/' },
    },
    {
      name: 'appliance-agent-apart',
      severity: 'error',
      from: { path: '^appliance/src/' },
      to: { path: '^(agent|web)/' },
    },
    {
      name: 'protocol-alone',
      severity: 'error',
      comment: 'protocol/ imports nothing of ours.',
      from: { path: '^protocol/' },
      to: { path: '^(appliance|agent|web)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|generated)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
  },
};
