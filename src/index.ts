export {
  createPartnerCenterClient,
  DEFAULT_SCOPES,
  GLOBAL_BASE_URL,
  type PartnerCenterClientOptions,
  type RawPartnerCenterClient,
} from "./client.js";
export type { components, operations, paths } from "../generated/partner-center.js";
