import { OpsflowError } from '../../handlers/shared/errors.ts';

/**
 * An event pattern EventBridge itself would refuse (PutRule and TestEventPattern answer
 * InvalidEventPatternException). The message names the field path and what is wrong there.
 */
export class InvalidEventPattern extends OpsflowError {
  override readonly name = 'InvalidEventPattern';
}

export const routerErrors = [InvalidEventPattern] as const;
