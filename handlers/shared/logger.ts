import { Logger } from '@aws-lambda-powertools/logger';

/** One logger per process; the local engine silences it with POWERTOOLS_LOG_LEVEL=SILENT. */
export const logger = new Logger({ serviceName: 'opsflow' });
