import type { SandboxService } from '../service.ts';
import { autoScalingService } from './autoscaling.ts';
import { detectiveService } from './detective.ts';
import { ec2Service } from './ec2.ts';
import { eventBridgeService } from './eventbridge.ts';
import { iamService } from './iam.ts';
import { identityStoreService } from './identitystore.ts';
import { openSearchService } from './opensearch.ts';
import { quickSightService } from './quicksight.ts';
import { route53Service } from './route53.ts';
import { s3Service } from './s3.ts';
import { securityHubService } from './securityhub.ts';

/** Every simulated service. Adding one is a module exporting a `SandboxService` and a line here. */
export const sandboxServices: readonly SandboxService[] = [
  ec2Service,
  autoScalingService,
  route53Service,
  eventBridgeService,
  securityHubService,
  detectiveService,
  iamService,
  identityStoreService,
  quickSightService,
  openSearchService,
  s3Service,
];

export const serviceKeys = sandboxServices.map((service) => service.key);
