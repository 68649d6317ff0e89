/**
 * Zod schemas of the response bodies the library parses, built from openapi/partner-center.yaml by hand
 * and held to it by test/unit/schemas-types.test.ts. The parts live in src/schemas/.
 */
export { collectionOf, commonSchemas, type Collection, type Link, type ResourceAttributes, type ServiceFault, type ThrottleFault } from "./schemas/common.js";
export {
  BILLING_CYCLES,
  BILLING_TYPES,
  CONTRACT_TYPES,
  LICENSE_GROUP_IDS,
  normalizeUpgradeErrorCode,
  normalizeUpgradeType,
  SUBSCRIPTION_STATUSES,
  TARGET_TYPES,
  UPGRADE_ERROR_CODES,
  UPGRADE_TYPES,
  type OpenEnum,
  type UpgradeErrorCodeName,
  type UpgradeTypeName,
} from "./schemas/enums.js";
export {
  licenseSchemas,
  type License,
  type LicenseAssignment,
  type LicenseUpdate,
  type LicenseWarning,
  type ProductSku,
  type ServicePlan,
  type SubscribedSku,
} from "./schemas/licenses.js";
export { type CheckingMode, type ResponseSchema, type ValidationMode } from "./schemas/modes.js";
export { describeProblems, MAX_PROBLEMS, parseResponse, responseSchemas, type ParseResult, type ResponseOf, type ResponseSchemaName } from "./schemas/parse.js";
export { subscriptionSchemas, type ProductType, type RefundOption, type Subscription } from "./schemas/subscriptions.js";
export { upgradeSchemas, type Offer, type Upgrade, type UpgradeError, type UpgradeResult, type UserLicenseError } from "./schemas/upgrades.js";
