/** Where the CLI finds its stage config and sandbox seed unless told otherwise. */
export const DEFAULT_CONFIG = 'config/dev.json';
export const DEFAULT_SANDBOX = 'config/sandbox.json';
