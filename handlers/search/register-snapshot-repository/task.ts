import * as z from 'zod/mini';
import { send, segment, type OpenSearchTransport } from '../rest.ts';
import { searchPlanSchema, type SearchPlan } from '../schemas.ts';

export const registerSnapshotRepositoryInput = z.looseObject({ plan: searchPlanSchema });
export type RegisterSnapshotRepositoryInput = z.infer<typeof registerSnapshotRepositoryInput>;

type Settings = SearchPlan['repository']['settings'];

/** OpenSearch answers repository settings as strings (`"readonly": "true"`); absent readonly means read-write. */
function sameSettings(registered: unknown, wanted: Settings): boolean {
  const repository = registered as { type?: unknown; settings?: Record<string, unknown> } | undefined;
  if (repository?.type !== 's3' || !repository.settings) return false;
  const have = repository.settings;
  const text = (value: unknown) => (value === undefined || value === null ? '' : String(value));
  return (
    text(have.bucket) === wanted.bucket &&
    text(have.base_path) === wanted.base_path &&
    text(have.region) === wanted.region &&
    text(have.role_arn) === wanted.role_arn &&
    (text(have.readonly) === 'true') === wanted.readonly
  );
}

/**
 * Keeps the plan's repository registered as planned: `GET _snapshot/<repo>` and, only when it is
 * missing or differs, `PUT _snapshot/<repo>` with `{"type":"s3","settings":{bucket, base_path, region,
 * role_arn, readonly}}` (Amazon OpenSearch Service developer guide, "Registering a manual snapshot
 * repository"; the request must be signed by a principal allowed iam:PassRole on role_arn).
 * Returns whether it changed anything. Raises rest.ts's names (RepositoryRejected when the domain
 * cannot use the bucket, SearchAccessDenied without PassRole).
 */
export async function registerSnapshotRepository(input: RegisterSnapshotRepositoryInput, transport: OpenSearchTransport): Promise<{ repository: string; readonly: boolean; changed: boolean }> {
  const { name, settings } = input.plan.repository;
  const current = await send(transport, 'GET', `/_snapshot/${segment(name)}`, { accept: [404] });
  const registered = current.statusCode === 404 ? undefined : (current.body as Record<string, unknown>)[name];
  if (sameSettings(registered, settings)) return { repository: name, readonly: settings.readonly, changed: false };
  await send(transport, 'PUT', `/_snapshot/${segment(name)}`, { body: { type: 's3', settings: { ...settings } } });
  return { repository: name, readonly: settings.readonly, changed: true };
}
