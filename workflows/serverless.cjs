// Bridge from serverless.yml (CommonJS, osls) to the TypeScript deployment renderer.
const { tsImport } = require('tsx/esm/api');

const renderer = () => tsImport('./deployment.ts', __filename);
const stageOf = async ({ resolveVariable }) => resolveVariable('sls:stage');

module.exports = {
  region: async (ctx) => (await (await renderer()).renderProvider(await stageOf(ctx))).region,
  environment: async (ctx) => (await (await renderer()).renderProvider(await stageOf(ctx))).environment,
  functions: async () => (await renderer()).renderFunctions(),
  resources: async (ctx) => (await renderer()).renderResources(await stageOf(ctx)),
  stateMachine: (workflowName) => async (ctx) => (await renderer()).renderStateMachine(workflowName, await stageOf(ctx)),
};
