import * as z from 'zod/mini';

/**
 * The envelope EventBridge puts around every event. `time` stays a plain string: AWS's own
 * reference samples carry the placeholder "yyyy-mm-ddThh:mm:ssZ", and nothing here computes
 * with it. Objects are loose everywhere so fields AWS adds later pass through untouched.
 */
export function eventBridgeEventSchema<
  const Source extends string,
  const DetailType extends string,
  Detail extends z.ZodMiniType,
>(source: Source, detailType: DetailType, detail: Detail) {
  return z.looseObject({
    version: z.string(),
    id: z.string(),
    'detail-type': z.literal(detailType),
    source: z.literal(source),
    account: z.string(),
    time: z.string(),
    region: z.string(),
    resources: z.array(z.string()),
    detail,
  });
}

/** Any EventBridge event, before its source and detail type pick a precise schema. */
export const AnyEventBridgeEventSchema = z.looseObject({
  version: z.string(),
  id: z.string(),
  'detail-type': z.string(),
  source: z.string(),
  account: z.string(),
  time: z.string(),
  region: z.string(),
  resources: z.array(z.string()),
  detail: z.unknown(),
});
export type AnyEventBridgeEvent = z.infer<typeof AnyEventBridgeEventSchema>;
