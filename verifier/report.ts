/**
 * The two reports of a verification: markdown for a reviewer, JSON for tools.
 * Both carry every tenant's normal form and every violation.
 */
import type { VerificationResult } from "./verify";

export const REPORT_SCHEMA = "bedrock-tenancy/isolation-report@1";

/** `1 tenant`, `2 tenants`: a count with its noun in the number it takes (the plural adds `s` unless given). */
export function counted(n: number, noun: string, plural = `${noun}s`): string {
    return `${n} ${n === 1 ? noun : plural}`;
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The tenants whose customer side went unproved, sorted for a reader to look
 * one up (the verifier collects them in the order the ops files hold them).
 * A tenant with a customer stack given for some of its accounts but not all
 * is named with the accounts missing: `customer-a (account 333333333333)`.
 */
export function customersNotProved(result: VerificationResult): string[] {
    const given = new Set(result.customers.map((c) => c.tenantId));
    const missing = new Map<string, string[]>();
    for (const { tenant, account } of notProvedAccounts(result)) {
        const accounts = missing.get(tenant);
        if (accounts) accounts.push(account);
        else missing.set(tenant, [account]);
    }
    return [...result.customersNotProved].sort(byText).map((tenant) => {
        if (!given.has(tenant)) return tenant;
        const accounts = missing.get(tenant) ?? [];
        return `${tenant} (${accounts.length === 1 ? "account" : "accounts"} ${accounts.join(", ")})`;
    });
}

/** {@link VerificationResult.accountsNotProved}, sorted by tenant, then account. */
function notProvedAccounts(result: VerificationResult): { tenant: string; account: string }[] {
    return [...result.accountsNotProved].sort((a, b) => byText(a.tenant, b.tenant) || byText(a.account, b.account));
}

export function jsonReport(result: VerificationResult): unknown {
    return {
        schema: REPORT_SCHEMA,
        result: result.violations.length === 0 ? "clean" : "violations",
        stacks: result.stacks,
        violations: result.violations,
        customersNotProved: [...result.customersNotProved].sort(byText),
        accountsNotProved: notProvedAccounts(result),
        outputsProved: result.outputsProved,
        tenants: result.tenants.map((t) => ({
            tenantId: t.intent.tenantId,
            stack: t.intent.stack,
            role: t.intent.roleArn,
            intent: { ...t.intent, externalId: undefined, urn: undefined },
            trust: t.trust.pairs.map((p) => ({ principal: p.principal, externalId: p.externalId === t.intent.externalId ? "(the tenant's)" : p.externalId, statement: p.statement })),
            grants: t.permissions.grants.map((g) => ({ action: g.action, resource: g.resource, regions: g.regions, via: g.via, guardrail: g.guardrail, statement: `${g.policy} ${g.statement}` })),
            requiredGuardrails: t.permissions.requiredGuardrails,
            findings: [...t.trust.findings, ...t.permissions.findings],
            narrowing: [...t.trust.narrowing, ...t.permissions.narrowing],
        })),
        customers: result.customers.map((c) => ({ ...c, urn: undefined })),
        facts: result.facts,
        durationMs: Math.round(result.durationMs),
    };
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

export function markdownReport(result: VerificationResult, maxTenantRows = 200): string {
    const lines = ["# Tenant isolation report", ""];
    lines.push(`Stacks: ${result.stacks.map((s) => `${s.stack} (${s.format}, ${counted(s.resources, "resource")})`).join(", ")}.`);
    lines.push(`Tenants: ${result.tenants.length}. Customer stacks: ${result.customers.length}.`, "");
    lines.push(result.violations.length === 0 ? "**Result: no violations.**" : `**Result: ${counted(result.violations.length, "violation")}.**`, "");
    if (result.violations.length > 0) {
        lines.push("## Violations", "", "| code | tenant | stack | resource | statement | why |", "|---|---|---|---|---|---|");
        for (const v of result.violations) lines.push(`| ${v.code} | ${cell(v.tenant)} | ${cell(v.stack)} | ${cell(v.resource)} | ${cell(v.statement)} | ${cell(v.why)} |`);
        lines.push("");
    }
    lines.push("## Normal forms", "", "What each tenant role admits (trust) and allows (grants), reduced from the policies in the files.", "");
    lines.push("| tenant | admitted callers (each with the tenant's ExternalId unless noted) | grants | Regions |", "|---|---|---|---|");
    for (const t of result.tenants.slice(0, maxTenantRows)) {
        const callers = t.trust.pairs.map((p) => (p.externalId === t.intent.externalId ? p.principal : `${p.principal} (other ExternalId)`));
        const regions = [...new Set(t.permissions.grants.flatMap((g) => g.regions))].sort();
        lines.push(`| ${t.intent.tenantId} | ${cell([...new Set(callers)].join(", "))} | ${t.permissions.grants.length} | ${regions.join(", ")} |`);
    }
    if (result.tenants.length > maxTenantRows) lines.push("", `${counted(result.tenants.length - maxTenantRows, "more tenant")}: see the JSON report.`);
    if (result.facts.length > 0) lines.push("", "## Customer side", "", ...result.facts.map((f) => `- ${f}`));
    if (result.customersNotProved.length > 0) {
        const required = result.violations.some((v) => v.code === "BT-FLEET-CUSTOMER-MISSING");
        const advice = required ? "Each is a violation above (BT-FLEET-CUSTOMER-MISSING): give their files." : "Give their files, or run with --require-customers to make this a violation.";
        lines.push("", "## Customer side not proved", "", `No customer stack among the files for: ${customersNotProved(result).join(", ")}. ${advice}`);
    }
    lines.push("", result.outputsProved ? "What AWS holds (`outputs`) differs from what the programs asked for (`inputs`): both were proved; violations only in `outputs` are marked as drift." : "`outputs` agree with `inputs` wherever the proof reads: one proof stands for both.");
    lines.push("", `Proof took ${(result.durationMs / 1000).toFixed(2)} s.`, "");
    return lines.join("\n");
}

/** One line per violation: tenant, resource, statement, why. */
export function violationLines(result: VerificationResult): string[] {
    return result.violations.map((v) => `${v.tenant}: ${v.resource} ${v.statement} (${v.stack}): ${v.why} [${v.code}]`);
}
