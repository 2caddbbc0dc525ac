import { DescribeUserCommand, ListUserGroupsCommand, type QuickSightClient } from '@aws-sdk/client-quicksight';
import * as z from 'zod/mini';
import type { IdentitySyncConfig } from '../../shared/config.ts';
import { quickSightIdentity } from '../shared/names.ts';
import type { QuickSightUserState } from '../shared/plan.ts';
import { identityUserSchema } from '../shared/schemas.ts';
import { namedQuickSightError, quickSightCode } from '../shared/quicksight.ts';

export const readQuickSightUserInput = z.looseObject({ identityUser: identityUserSchema });
export type ReadQuickSightUserInput = z.infer<typeof readQuickSightUserInput>;

/** ListUserGroups returns at most 100 groups a page (https://docs.aws.amazon.com/quicksight/latest/APIReference/API_ListUserGroups.html). */
const PAGE_SIZE = 100;

/**
 * QuickSight's side of one user, in its identity Region: DescribeUser (null when QuickSight has no
 * user of that name: ResourceNotFoundException) and the names of its groups, every page of
 * ListUserGroups. Raises the names of namedQuickSightError, and UserNotMappable.
 */
export async function readQuickSightUser(input: ReadQuickSightUserInput, config: IdentitySyncConfig, client: QuickSightClient): Promise<QuickSightUserState> {
  const { userName } = quickSightIdentity(input.identityUser, config);
  const where = { AwsAccountId: config.quickSight.accountId, Namespace: config.quickSight.namespace, UserName: userName };
  let user: QuickSightUserState['user'];
  try {
    const answer = await client.send(new DescribeUserCommand(where));
    user = { Email: answer.User?.Email, Role: answer.User?.Role };
  } catch (error) {
    if (quickSightCode(error) === 'ResourceNotFoundException') return { userName, user: null, groups: [] };
    throw namedQuickSightError(error, 'DescribeUser');
  }
  const groups: string[] = [];
  let nextToken: string | undefined;
  do {
    try {
      const page = await client.send(new ListUserGroupsCommand({ ...where, MaxResults: PAGE_SIZE, NextToken: nextToken }));
      groups.push(...(page.GroupList ?? []).flatMap((group) => (group.GroupName ? [group.GroupName] : [])));
      nextToken = page.NextToken;
    } catch (error) {
      throw namedQuickSightError(error, 'ListUserGroups');
    }
  } while (nextToken);
  return { userName, user, groups };
}
