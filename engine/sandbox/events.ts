import type { OperationContext } from './service.ts';
import type { EventBridgeEvent } from './state.ts';
import { isoSeconds } from './validation.ts';

/** The envelope EventBridge wraps around every event it delivers. */
export function eventEnvelope(
  context: Pick<OperationContext, 'ids' | 'now' | 'state'>,
  fields: { source: string; detailType: string; resources?: readonly string[]; detail: Record<string, unknown>; time?: Date }
): EventBridgeEvent {
  return {
    version: '0',
    id: context.ids.uuid(),
    'detail-type': fields.detailType,
    source: fields.source,
    account: context.state.accountId,
    time: isoSeconds(fields.time ?? context.now()),
    region: context.state.region,
    resources: [...(fields.resources ?? [])],
    detail: fields.detail,
  };
}
