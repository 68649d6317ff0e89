/** The version `partner-center --version` prints; a test keeps it equal to cli/package.json. */
export const CLI_VERSION = "0.1.0";
