// sockbench as a library: the functions the commands run, for programs and tests
// (`import { load, serve, startProxy, check } from "sockbench"`). docs/library.md has an example.

export type { LoadConfig, ResolvedLoadConfig } from "./clients/load/core/load-config.js";
export { LoadConfigError } from "./clients/load/core/load-config.js";
export { TargetError } from "./clients/load/core/target.js";
export { runLoad as load } from "./clients/load/load-driver.js";
export { ExpectModuleError } from "./clients/load/verification/expectation-module.js";
export { FramingModuleError } from "./clients/load/verification/framing-module.js";
export { SockbenchError } from "./errors.js";
export type { Framing, FramingChoice, FramingName, FramingOptions, FramingSpec } from "./framing/framing.js";
export type { FramingDefinition, FramingOptionDefinition } from "./framing/framing-definition.js";
export { FramingError, type FramingErrorKind } from "./framing/framing-error.js";
export { createFraming, framingNames, registerFraming } from "./framing/registry.js";
export { type CheckServerOptions, check, DEFAULT_TARGET_SIZES_BYTES } from "./library/check.js";
export { type ServeOptions, ServeOptionsError, serve } from "./library/serve.js";
export { FdLimitError } from "./platform/fd-limit.js";
export { type FaultOptions, FaultOptionsError } from "./proxy/fault-options.js";
export { type ProxyOptions, type RunningProxy, startProxy } from "./proxy/start-proxy.js";
export type { LoadResult } from "./results/load-result.js";
export type { TargetCheckResult } from "./results/target-check-result.js";
export type { RunningServer } from "./servers/server-options.js";
export { TargetSetupError, type TargetSetupErrorKind } from "./targets/target-error.js";
