export {
  type ApplyOptions,
  type ApplyResult,
  applyPlan,
  type LifecycleClients,
  type OutcomeKind,
  type ReadBack,
  StepError,
  type StepErrorCode,
  type StepOutcome,
  type StepResult,
} from './apply.js';
export { buildOffboardingPlan, buildOnboardingPlan } from './build.js';
export { type Capability, capabilities, LIFECYCLE_ACTIONS, type LifecycleAction } from './capabilities.js';
export {
  type ApiStep,
  type BlynkInviteStep,
  IMICHAT_ROLES,
  type ImichatCreateStep,
  type ImichatRole,
  type ManualStep,
  type OnboardingInput,
  type OnboardingProviders,
  type Plan,
  type PlanContext,
  PlanError,
  type PlanErrorCode,
  type PlanStep,
  planOffboarding,
  planOnboarding,
  type RocketChatCreateStep,
  type RocketChatDeactivateStep,
  type ThenaRemoveFromTeamStep,
} from './plan.js';
