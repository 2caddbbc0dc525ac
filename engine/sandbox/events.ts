import type { OperationContext } from './service.ts';
import type { EventBridgeEvent } from './state.ts';
import { isoSeconds } from './validation.ts';

/**
 * The envelope EventBridge wraps around every event it delivers, stamped with the Region of the
 * call that put it (PutEvents from a client of that Region; the account's Region for what the
 * home-Region services and the simulation helpers emit).
 */
export function eventEnvelope(
  context: Pick<OperationContext, 'ids' | 'now' | 'state'> & { readonly region?: string },
  fields: { source: string; detailType: string; resources?: readonly string[]; detail: Record<string, unknown>; time?: Date }
): EventBridgeEvent {
  return {
    version: '0',
    id: context.ids.uuid(),
    'detail-type': fields.detailType,
    source: fields.source,
    account: context.state.accountId,
    time: isoSeconds(fields.time ?? context.now()),
    region: context.region ?? context.state.region,
    resources: [...(fields.resources ?? [])],
    detail: fields.detail,
  };
}
