// @customer-chat/conformance: check an implementation of the customer chat protocol against its
// spec. The kit runs scenarios computed from the spec against a server; the proxy checks live
// traffic between any client and server.
export { runConformance, checkSocketUrl, RunAborted, type ConformanceOptions } from './run.js';
export { computeScenarios, type Scenario } from './scenarios.js';
export type { ConformanceDriver, DriverTarget } from './driver.js';
export { referenceDriver, type ReferenceDriverOptions } from './reference-driver.js';
export { formatJson, formatJunit, formatText, type ConformanceReport, type ScenarioResult, type ScenarioStatus } from './report.js';
export { checkClientFrame, checkServerFrame, errorTypeOf, parseFrame, type Direction, type FrameKind, type FrameVerdict } from './frame-check.js';
export { formatSummary, formatViolation, formatViolationJson, startValidatingProxy, type PerDirection, type ProxySummary, type ProxyViolation, type ValidatingProxy, type ValidatingProxyOptions } from './proxy.js';
export { protocol } from './gen/protocol.js';
export type { ProtocolTable } from '#runtime/protocol-table';
