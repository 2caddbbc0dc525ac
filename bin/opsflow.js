#!/usr/bin/env node
// The opsflow command. The SDK's Node-version notice and the handlers' JSON logs are for
// Lambda, not for people at a terminal. The SDK stays quiet only for the exact value 'true', so an
// empty variable (`export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=`) counts as unset.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ||= 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';

// A reader that stops early (`| head`) closes the pipe: the rest of the output is dropped, and the
// command still finishes its work (a --state file is saved) and exits with its own code.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
  });
}

import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freshBuild } from './compiled.js';

// The install-time build (bin/build.js) while it is fresh; the TypeScript sources through tsx otherwise.
const compiled = freshBuild(resolve(dirname(fileURLToPath(import.meta.url)), '..'));
if (!compiled) {
  const { register } = await import('tsx/esm/api');
  register();
}
const { main } = await import(compiled ?? '../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
