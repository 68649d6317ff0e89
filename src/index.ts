export type { components, operations, paths } from "../generated/partner-center.js";
export {
  createTokenProvider,
  DEFAULT_AUTHORITY_HOST,
  RefreshTokenCredential,
  type RefreshTokenCredentialOptions,
  type TokenProvider,
  type TokenProviderOptions,
  type TokenRequestOptions,
} from "./auth.js";
export type { AdaptiveRateOptions } from "./bulk/adaptive-rate.js";
export type { BulkOptions, BulkProgress, BulkResult } from "./bulk/run-bulk.js";
export {
  createPartnerCenterClient,
  DEFAULT_SCOPES,
  GLOBAL_BASE_URL,
  type PartnerCenterClient,
  type PartnerCenterClientOptions,
  type RawPartnerCenterClient,
} from "./client.js";
export type { CallOptions } from "./context.js";
export {
  AbortedError,
  AppOnlyTokenNotAcceptedError,
  AuthenticationError,
  BadRequestError,
  ConditionalAccessBlockedError,
  ConflictError,
  categoryOf,
  type ErrorCategory,
  ForbiddenError,
  InvalidInputError,
  isPartnerCenterError,
  isServiceError,
  LicenseQuotaExceededError,
  NetworkError,
  NotFoundError,
  needsAppUserToken,
  PartnerCenterError,
  PartnerTokenNotAllowedError,
  type RequestIds,
  ServerError,
  ServiceError,
  type ServiceErrorDetails,
  StaleEtagError,
  TimeoutError,
  TooManyRequestsError,
  UnauthorizedError,
  UnexpectedResponseError,
  UpgradeRejectedError,
} from "./errors.js";
export type {
  AcrossCustomersOptions,
  CustomerListResult,
  CustomerRef,
  SubscriptionAcrossCustomersOperations,
  UserAcrossCustomersOperations,
} from "./operations/across-customers.js";
export type { BulkAutoRenewItem, BulkLicenseItem, LicenseBulkOperations, SubscriptionBulkOperations } from "./operations/bulk.js";
export type { CustomerListOptions, CustomerOperations } from "./operations/customers.js";
export {
  type BulkPlanRow,
  type LicensePlanOperations,
  PLAN_VERDICTS,
  type PlanOptions,
  type PlanVerdict,
} from "./operations/license-plan.js";
export type { LicenseChange, LicenseListOptions, LicenseOperations, LicenseUpdateOptions } from "./operations/licenses.js";
export type { SubscriptionListOperations, SubscriptionListOptions } from "./operations/subscription-list.js";
export type { ModifyOptions, SubscriptionChange, SubscriptionOperations } from "./operations/subscriptions.js";
export type { PerformUpgradeOptions, UpgradeOperations } from "./operations/upgrades.js";
export type { UserListOptions, UserOperations } from "./operations/users.js";
export {
  type ContinuablePage,
  MAX_STREAMED_PAGES,
  type PagedAsyncIterableIterator,
  type PageSettings,
} from "./paged-list.js";
export { getResponseMeta, type ResponseMeta } from "./response.js";
export { DEFAULT_RETRY, type RetryEvent, type RetryOptions } from "./retry.js";
export type {
  Address,
  Customer,
  CustomerBillingProfile,
  CustomerCompanyProfile,
  CustomerUser,
  License,
  LicenseAssignment,
  LicenseUpdate,
  Offer,
  OpenEnum,
  SubscribedSku,
  Subscription,
  Upgrade,
  UpgradeError,
  UpgradeResult,
  UserLicenseError,
  ValidationMode,
} from "./schemas.js";
