/**
 * The first lines of a child-process script that shuts a logger down: the
 * runtime's shutdown and logger, and a logger whose sink holds each record
 * until it is flushed, printing `delivered <outcome or event>` as it delivers
 * one, so the parent can tell what reached the sink before the process ended.
 */
export const HELD_RECORDS_LOGGER_SCRIPT = [
    'const { flushOnShutdown } = require("./runtime/shutdown");',
    'const { PrivateInvocationLogger } = require("./runtime/private-invocation-logger");',
    "const pending = [];",
    "const sink = {",
    "    write: (r) => new Promise((resolve) => pending.push(() => { console.log('delivered', r.outcome ?? r.event); resolve(); })),",
    "    flush: async () => { for (const deliver of pending.splice(0)) deliver(); },",
    "    stats: () => ({ delivered: 0, lost: 0, rejected: 0, pending: pending.length }),",
    "};",
    'const logger = new PrivateInvocationLogger({ sink, tenantId: "customer-a", onWarning: () => undefined });',
];
