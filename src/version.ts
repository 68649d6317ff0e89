/** Name and version sent in MS-PartnerCenter-Client; a unit test keeps it equal to package.json. */
export const CLIENT_NAME = "partner-center-client";
export const CLIENT_VERSION = "0.1.0";
