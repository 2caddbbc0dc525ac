import * as z from 'zod/mini';
import type { IdentitySyncConfig, OpsflowConfig } from '../../shared/config.ts';
import { IdentityStoreNotConfigured } from '../errors.ts';

/**
 * The fields of identitystore DescribeUser the identity tasks read (the state machine's
 * ResultSelector keeps these), with the enterprise extension when it was asked for
 * (https://docs.aws.amazon.com/singlesignon/latest/IdentityStoreAPIReference/API_DescribeUser.html).
 */
export const identityUserSchema = z.looseObject({
  UserId: z.string().check(z.minLength(1)),
  UserName: z.optional(z.string()),
  Title: z.optional(z.string()),
  UserType: z.optional(z.string()),
  UserStatus: z.optional(z.string()),
  Emails: z.optional(z.array(z.looseObject({ Value: z.optional(z.string()), Primary: z.optional(z.boolean()) }))),
  Extensions: z.optional(z.record(z.string(), z.unknown())),
});

/** The identitySync section, or IdentityStoreNotConfigured when the stage has none. */
export function identitySyncConfig(config: OpsflowConfig): IdentitySyncConfig {
  if (!config.identitySync) throw new IdentityStoreNotConfigured('identitySync is not configured');
  return config.identitySync;
}
