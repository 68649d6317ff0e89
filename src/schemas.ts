/**
 * Zod schemas of the response bodies the library parses, built from openapi/partner-center.yaml by hand
 * and held to it by test/unit/schemas-types.test.ts. The parts live in src/schemas/.
 */
export {
  type ApiFault,
  type Collection,
  collectionOf,
  commonSchemas,
  type Link,
  type ResourceAttributes,
  type ServiceFault,
  type ThrottleFault,
} from "./schemas/common.js";
export {
  type Address,
  CUSTOMER_RELATIONSHIPS,
  CUSTOMER_USER_STATES,
  type Customer,
  type CustomerBillingProfile,
  type CustomerCompanyProfile,
  type CustomerUser,
  customerSchemas,
} from "./schemas/customers.js";
export {
  BILLING_CYCLES,
  BILLING_TYPES,
  CONTRACT_TYPES,
  LICENSE_GROUP_IDS,
  normalizeUpgradeErrorCode,
  normalizeUpgradeType,
  type OpenEnum,
  SUBSCRIPTION_STATUSES,
  TARGET_TYPES,
  UPGRADE_ERROR_CODES,
  UPGRADE_TYPES,
  type UpgradeErrorCodeName,
  type UpgradeTypeName,
} from "./schemas/enums.js";
export {
  type License,
  type LicenseAssignment,
  type LicenseUpdate,
  type LicenseWarning,
  licenseSchemas,
  type ProductSku,
  type ServicePlan,
  type SubscribedSku,
} from "./schemas/licenses.js";
export type { CheckingMode, ResponseSchema, ValidationMode } from "./schemas/modes.js";
export {
  describeProblems,
  MAX_PROBLEMS,
  type ParseResult,
  parseResponse,
  type ResponseOf,
  type ResponseSchemaName,
  responseSchemas,
} from "./schemas/parse.js";
export { type ProductType, type RefundOption, type Subscription, subscriptionSchemas } from "./schemas/subscriptions.js";
export {
  type Offer,
  type Upgrade,
  type UpgradeError,
  type UpgradeResult,
  type UserLicenseError,
  upgradeSchemas,
} from "./schemas/upgrades.js";
