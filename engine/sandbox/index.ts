export { SandboxAccount } from './account.ts';
export type { EventDelivery, FindingUpdateFailure, RecordInput, SavedSandbox, SandboxCall, SandboxEventListener, SandboxOptions, SimulationResult } from './account.ts';
export { InvalidSandboxOptions, InvalidSandboxRequest, InvalidSandboxSeed, InvalidStateFile, SandboxRegionNotSimulated, SandboxUnsupportedOperation } from './errors.ts';
export type { DomainSnapshot } from './account.ts';
export type { FaultRule } from './faults.ts';
export type { SandboxSeed } from './seed.ts';
export type { LaunchInstanceRequest, LifecycleActionSummary, TerminateInstanceRequest } from './services/autoscaling.ts';
export type * from './state.ts';
export {
  FindingUpdateErrorCode,
  GroupLifecycleState,
  InstanceStateCode,
  InvestigationSeverity,
  InvestigationStatus,
  LifecycleActionResult,
  LifecycleTransition,
} from './state.ts';
