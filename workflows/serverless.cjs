// Bridge from serverless.yml (CommonJS, osls) to the TypeScript deployment renderer. The stack is
// the stage's (`--stage`) in one Region (`--region`, else the stage's own): the search workflows
// deploy one stack per Region of searchDr.regions.
const { require: requireTypeScript } = require('tsx/cjs/api');

const renderer = () => requireTypeScript('./deployment.ts', __filename);
const stageOf = async ({ resolveVariable }) => resolveVariable('sls:stage');
const regionOf = ({ options }) => options?.region ?? undefined;

module.exports = {
  region: async (ctx) => (await renderer().renderProvider(await stageOf(ctx), regionOf(ctx))).region,
  environment: async (ctx) => (await renderer().renderProvider(await stageOf(ctx), regionOf(ctx))).environment,
  lambdaStatements: async (ctx) => (await renderer().renderProvider(await stageOf(ctx), regionOf(ctx))).lambdaStatements,
  lambdaTracing: async (ctx) => (await renderer().renderProvider(await stageOf(ctx), regionOf(ctx))).lambdaTracing,
  logRetentionInDays: async (ctx) => (await renderer().renderProvider(await stageOf(ctx), regionOf(ctx))).logRetentionInDays,
  functions: async (ctx) => renderer().renderFunctions(await stageOf(ctx), regionOf(ctx)),
  resources: async (ctx) => renderer().renderResources(await stageOf(ctx), regionOf(ctx)),
  // Each deployed workflow's own fragment (workflows/<name>/serverless.cjs).
  stateMachines: async (ctx) =>
    renderer().renderStateMachines(await stageOf(ctx), regionOf(ctx), (module) => require(`./${module.name}/serverless.cjs`)(ctx)),
  stateMachine: (workflowName) => async (ctx) => renderer().renderStateMachine(workflowName, await stageOf(ctx), regionOf(ctx)),
};
