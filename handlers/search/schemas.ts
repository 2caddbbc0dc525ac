import * as z from 'zod/mini';

/** What plan-search-snapshot decides and every later task reads (`$.plan`). */
export const searchPlanSchema = z.looseObject({
  role: z.enum(['active', 'standby']),
  region: z.string(),
  domainName: z.string(),
  endpoint: z.string(),
  repository: z.strictObject({
    name: z.string(),
    settings: z.strictObject({ bucket: z.string(), base_path: z.string(), region: z.string(), role_arn: z.string(), readonly: z.boolean() }),
  }),
  snapshotName: z.string(),
  snapshotPrefix: z.string(),
});
export type SearchPlan = z.infer<typeof searchPlanSchema>;
