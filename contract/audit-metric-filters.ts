import { AUDIT_SCHEMA_TYPE, AuditOutcome, AuditPath } from "./audit-schema";

/** Names of the metrics the audit log's metric filters publish. */
export const AuditMetric = {
    throttledCalls: "ThrottledCalls",
    failedCalls: "FailedCalls",
    inputTokens: "InputTokens",
    outputTokens: "OutputTokens",
} as const;

/** The one dimension token metrics carry: low cardinality, never a user id. */
export const MODEL_ID_DIMENSION = "ModelId";

export interface AuditMetricFilter {
    /** Short id used in the child resource name. */
    id: string;
    pattern: string;
    metricName: string;
    /** Metric value: a literal or a JSON path into the record. */
    value: string;
    unit: "Count";
    /** Reported when no record matches; CloudWatch forbids it alongside dimensions. */
    defaultValue?: string;
    dimensions?: Record<string, string>;
}

/**
 * Every pattern requires the audit schema marker, so Lambda's own lines and
 * anything else written to the same log group never match.
 */
function auditPattern(...conditions: string[]): string {
    return `{ ${[`${AuditPath.schemaType} = "${AUDIT_SCHEMA_TYPE}"`, ...conditions].join(" && ")} }`;
}

/**
 * The metric filters on the private log group. Call counts carry no dimension
 * so that they can report 0 when idle (and the alarm sees one series); token
 * counts are split by model id, which is bounded by the tenant's allow-list.
 */
export function auditMetricFilters(): AuditMetricFilter[] {
    return [
        {
            id: "throttled-calls",
            pattern: auditPattern(`${AuditPath.throttled} IS TRUE`),
            metricName: AuditMetric.throttledCalls,
            value: "1",
            unit: "Count",
            defaultValue: "0",
        },
        {
            id: "failed-calls",
            pattern: auditPattern(`${AuditPath.outcome} = "${AuditOutcome.error}"`),
            metricName: AuditMetric.failedCalls,
            value: "1",
            unit: "Count",
            defaultValue: "0",
        },
        tokenFilter("input-tokens", AuditPath.inputTokenCount, AuditMetric.inputTokens),
        tokenFilter("output-tokens", AuditPath.outputTokenCount, AuditMetric.outputTokens),
    ];
}

/** A token count, split by model id; the model id must be present for the dimension to have a value. */
function tokenFilter(id: string, countPath: string, metricName: string): AuditMetricFilter {
    return {
        id,
        pattern: auditPattern(`${countPath} >= 0`, `${AuditPath.modelId} = "*"`),
        metricName,
        value: countPath,
        unit: "Count",
        dimensions: { [MODEL_ID_DIMENSION]: AuditPath.modelId },
    };
}
