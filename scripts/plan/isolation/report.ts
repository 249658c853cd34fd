import type { AccessCheck } from "./access-matrix";
import type { IsolationResult } from "./prove-isolation";

/** Tenants shown in the matrix; larger plans list the rest by count only. */
const MATRIX_LIMIT = 20;

export function renderReport(result: IsolationResult, stacks: string[]): string {
    const assume = result.checks.filter((c) => c.request.startsWith("sts:AssumeRole"));
    const invoke = result.checks.filter((c) => c.request.startsWith("bedrock:"));
    const keys = result.checks.filter((c) => c.request.startsWith("kms:"));
    const lines = [
        "# Tenant isolation report",
        "",
        `Stacks planned: ${stacks.join(", ")}. Tenants: ${result.tenants.length}. Requests evaluated: ${result.checks.length} ` +
            `(${assume.length} AssumeRole, ${invoke.length} Bedrock, ${keys.length} KMS) in ${(result.durationMs / 1000).toFixed(1)} s ` +
            "by an independent IAM evaluator (@cloud-copilot/iam-simulate) on the planned policies.",
        "",
        result.violations.length === 0 ? "**Result: no violations.**" : `**Result: ${result.violations.length} violation(s).**`,
        ...result.violations.map((v) => `- ${v}`),
        "",
        "## Who may assume which tenant role",
        "",
        "Rows are callers, columns are tenant roles in the ops account; each cell is the evaluator's decision",
        "for `sts:AssumeRole` with the column tenant's real ExternalId (unless the row says otherwise).",
        "Callers in customer accounts hold a policy allowing `sts:*` on `*`: customers control their own IAM,",
        "so isolation must rest on the ops trust policy alone.",
        "",
        ...matrix(assume, result.tenants.map((t) => t.id)),
        "",
        "## What each tenant role may invoke",
        "",
        "| tenant | allowed (expected and evaluated) | refused (expected and evaluated) |",
        "|---|---|---|",
        ...result.tenants.slice(0, MATRIX_LIMIT).map((t) => {
            const mine = invoke.filter((c) => c.principalLabel === t.id);
            const list = (e: "allow" | "deny") => [...new Set(mine.filter((c) => c.expected === e).map((c) => `${c.target} (${c.request.split(" in ")[1]})`))].join("; ");
            return `| ${t.id} | ${list("allow")} | ${list("deny")} |`;
        }),
        ...(result.tenants.length > MATRIX_LIMIT ? [`| … | ${result.tenants.length - MATRIX_LIMIT} more tenants checked the same way | |`] : []),
        "",
        "## Customer keys and log groups",
        "",
        `- The ops account's root and an administrator role were refused ${keys.filter((c) => c.decision !== "Allowed").length} of ${keys.length} key-use requests on customer keys.`,
        ...result.facts.map((f) => `- ${f}`),
        "- No stack plans a Bedrock invocation-logging configuration" + (result.violations.some((v) => v.includes("invocation logging")) ? " — VIOLATED, see above." : "."),
        "- Every planned trust and inline policy is within IAM's default size quotas" + (result.violations.some((v) => v.includes("characters")) ? " — VIOLATED, see above." : "."),
        "",
    ];
    return lines.join("\n");
}

function matrix(checks: AccessCheck[], tenantIds: string[]): string[] {
    const columns = tenantIds.slice(0, MATRIX_LIMIT);
    const kind = (label: string) => (label.startsWith("control") ? 2 : label.includes(",") ? 1 : 0);
    const rows = [...new Set(checks.map((c) => c.principalLabel))].sort((a, b) => kind(a) - kind(b));
    const shownRows = rows.filter((r) => r.startsWith("control") || columns.includes(r.split(",")[0]));
    const cell = (row: string, target: string) => {
        const hits = checks.filter((c) => c.principalLabel === row && c.target === target);
        if (hits.length === 0) return "·";
        return hits.some((c) => c.decision === "Allowed") ? "**allow**" : "deny";
    };
    const out = [`| caller \\ role | ${columns.join(" | ")} |`, `|---|${columns.map(() => "---").join("|")}|`];
    for (const row of shownRows) out.push(`| ${row} | ${columns.map((t) => cell(row, t)).join(" | ")} |`);
    if (tenantIds.length > MATRIX_LIMIT) out.push("", `(${tenantIds.length - MATRIX_LIMIT} more tenants were checked; the matrix shows the first ${MATRIX_LIMIT}.)`);
    return out;
}
