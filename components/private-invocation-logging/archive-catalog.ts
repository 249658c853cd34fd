import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ARCHIVE_DATE_FORMAT, ARCHIVE_DATE_PARTITION, archiveTenantPrefix, auditColumns } from "../../contract";

/** First day the date projection covers; earlier days hold no archive objects. */
export const ARCHIVE_PROJECTION_START = "2026-01-01";

/**
 * Columns of the archive table: every audit record field, generated from the
 * contract's schema (lower-cased as Glue keeps them). `started` and
 * completion records share the table; pair them on `callid`.
 */
export const ARCHIVE_COLUMNS: readonly { name: string; type: string }[] = auditColumns();

export interface ArchiveCatalogContext {
    name: string;
    tenantId: string;
    region: string;
    bucketName: pulumi.Output<string>;
    kmsKeyArn: pulumi.Output<string>;
    tags: Record<string, string>;
    parent: pulumi.Resource;
}

/** Glue names allow lowercase letters, digits and underscores. */
const glueName = (tenantId: string) => `bedrock_tenancy_${tenantId.replace(/-/g, "_")}`;

/**
 * A Glue table over the archive with partition projection (no crawler, no
 * partitions to add: Athena computes them from the key layout), and an
 * Athena workgroup whose managed query results are encrypted with the
 * customer's key and whose settings clients cannot override.
 */
export function createArchiveCatalog(ctx: ArchiveCatalogContext) {
    const { name, tenantId, region, tags, parent } = ctx;
    const database = new aws.glue.CatalogDatabase(
        `${name}-archive-db`,
        { name: glueName(tenantId), description: `Audit archive of tenant ${tenantId}`, region, tags },
        { parent },
    );
    const location = ctx.bucketName.apply((b) => `s3://${b}/${archiveTenantPrefix(tenantId)}`);
    const table = new aws.glue.CatalogTable(
        `${name}-archive-table`,
        {
            name: "audit_records",
            databaseName: database.name,
            tableType: "EXTERNAL_TABLE",
            region,
            parameters: {
                classification: "json",
                "projection.enabled": "true",
                [`projection.${ARCHIVE_DATE_PARTITION}.type`]: "date",
                [`projection.${ARCHIVE_DATE_PARTITION}.format`]: ARCHIVE_DATE_FORMAT,
                [`projection.${ARCHIVE_DATE_PARTITION}.range`]: `${ARCHIVE_PROJECTION_START},NOW`,
                [`projection.${ARCHIVE_DATE_PARTITION}.interval`]: "1",
                [`projection.${ARCHIVE_DATE_PARTITION}.interval.unit`]: "DAYS",
                "storage.location.template": pulumi.interpolate`${location}${ARCHIVE_DATE_PARTITION}=\${${ARCHIVE_DATE_PARTITION}}/`,
            },
            partitionKeys: [{ name: ARCHIVE_DATE_PARTITION, type: "string" }],
            storageDescriptor: {
                location,
                inputFormat: "org.apache.hadoop.mapred.TextInputFormat",
                outputFormat: "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
                serDeInfo: { serializationLibrary: "org.openx.data.jsonserde.JsonSerDe", parameters: { "ignore.malformed.json": "false" } },
                columns: ARCHIVE_COLUMNS.map((c) => ({ ...c })),
            },
        },
        { parent },
    );
    const workgroup = new aws.athena.Workgroup(
        `${name}-archive-workgroup`,
        {
            name: `bedrock-tenancy-${tenantId}-audit`,
            description: `Queries over the audit archive of tenant ${tenantId}`,
            state: "ENABLED",
            region,
            configuration: {
                enforceWorkgroupConfiguration: true,
                publishCloudwatchMetricsEnabled: true,
                managedQueryResultsConfiguration: { enabled: true, encryptionConfiguration: { kmsKey: ctx.kmsKeyArn } },
            },
            tags,
        },
        { parent },
    );
    return { databaseName: database.name, tableName: table.name, workgroupName: workgroup.name };
}
