// Bridge from serverless.yml (CommonJS, osls) to the TypeScript deployment renderer.
const { require: requireTypeScript } = require('tsx/cjs/api');

const renderer = () => requireTypeScript('./deployment.ts', __filename);
const stageOf = async ({ resolveVariable }) => resolveVariable('sls:stage');

module.exports = {
  region: async (ctx) => (await renderer().renderProvider(await stageOf(ctx))).region,
  environment: async (ctx) => (await renderer().renderProvider(await stageOf(ctx))).environment,
  lambdaStatements: async (ctx) => (await renderer().renderProvider(await stageOf(ctx))).lambdaStatements,
  functions: async () => renderer().renderFunctions(),
  resources: async (ctx) => renderer().renderResources(await stageOf(ctx)),
  stateMachine: (workflowName) => async (ctx) => renderer().renderStateMachine(workflowName, await stageOf(ctx)),
};
