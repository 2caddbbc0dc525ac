// `npm run bench`. The environment is set before any engine or handler module loads: the SDK's
// Node-version notice and the handlers' JSON logs would drown the results.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';

const { runBench } = await import('./runner.ts');
process.exitCode = await runBench();
