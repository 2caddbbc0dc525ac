import { describe, expect, it, vi } from 'vitest';
import { createEngine, workflow } from '../../fixtures/engine/harness.ts';

// A service of the table whose client package is certainly not installed.
vi.mock('../../../engine/aws-services.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../../engine/aws-services.ts')>();
  return {
    ...original,
    awsServices: {
      ...original.awsServices,
      notinstalled: {
        packageName: '@aws-sdk/client-opsflow-not-installed',
        clientClass: 'NotInstalledClient',
        serviceExceptionClass: 'NotInstalledServiceException',
        errorPrefix: 'NotInstalled',
        camelCaseMembers: false,
      },
    },
  };
});

describe('a service whose client package is not installed', () => {
  it('builds with a warning, then fails the execution loudly, past any Catch, when the task runs', async () => {
    const engine = await createEngine({ workflows: [workflow('sdk-missing-package', 'MissingPackage')] });
    expect(engine.warnings.map((warning) => warning.message)).toEqual([
      "sdk-missing-package: state GetFindings: the client package for 'notinstalled' is not installed; the task fails when it runs",
    ]);

    const record = await engine.run('sdk-missing-package', {});

    expect(record.status).toBe('FAILED');
    expect(record.error).toBe('ServicePackageMissing');
    expect(record.cause).toContain('@aws-sdk/client-opsflow-not-installed is not installed');
    expect(record.states.map(({ name, status }) => ({ name, status }))).toEqual([{ name: 'GetFindings', status: 'failed' }]);
  });
});
