import * as aws from "@pulumi/aws";
import type * as Awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import { INVOCATION_LOGGING_DEFAULTS, type RuntimeNetworkArgs } from "./args";
import { loadOptionalPeer } from "../peers";

/** Services the runtime calls, each reached through an interface endpoint. */
export const RUNTIME_ENDPOINT_SERVICES = ["bedrock-runtime", "sts", "logs"] as const;
const HTTPS_PORT = 443;

/** Where the function runs when network isolation is on. */
export interface RuntimeNetwork {
    vpcId: pulumi.Output<string>;
    subnetIds: pulumi.Output<string[]>;
    functionSecurityGroupId: pulumi.Output<string>;
}

export interface RuntimeNetworkContext {
    name: string;
    region: string;
    tags: Record<string, string>;
    parent: pulumi.Resource;
    /** Also reach S3 (the audit archive) through an interface endpoint. */
    s3?: boolean;
}

/**
 * Private subnets (the caller's, or a new VPC's isolated subnets: no NAT, no
 * internet gateway route), a security group for the function, and interface
 * endpoints for Bedrock Runtime, STS and CloudWatch Logs that accept HTTPS from
 * that security group only.
 */
export function createRuntimeNetwork(args: RuntimeNetworkArgs, ctx: RuntimeNetworkContext): RuntimeNetwork {
    const { name, region, tags, parent } = ctx;
    let vpcId: pulumi.Output<string>;
    let subnetIds: pulumi.Output<string[]>;
    if (args.vpcId !== undefined && args.subnetIds !== undefined) {
        vpcId = pulumi.output(args.vpcId);
        subnetIds = pulumi.output(args.subnetIds);
    } else {
        const awsx = loadOptionalPeer<typeof Awsx>("@pulumi/awsx", "^3.9.0", "networkIsolation without vpcId and subnetIds (a new VPC)");
        const vpc = new awsx.ec2.Vpc(
            `${name}-vpc`,
            {
                cidrBlock: args.cidrBlock ?? INVOCATION_LOGGING_DEFAULTS.vpcCidrBlock,
                numberOfAvailabilityZones: args.availabilityZoneCount ?? INVOCATION_LOGGING_DEFAULTS.availabilityZoneCount,
                subnetSpecs: [{ type: awsx.ec2.SubnetType.Isolated, name: "runtime" }],
                natGateways: { strategy: awsx.ec2.NatGatewayStrategy.None },
                // Private DNS on the interface endpoints needs both.
                enableDnsHostnames: true,
                enableDnsSupport: true,
                tags,
            },
            { parent },
        );
        vpcId = vpc.vpcId;
        subnetIds = vpc.isolatedSubnetIds;
    }

    const functionSg = new aws.ec2.SecurityGroup(
        `${name}-function-sg`,
        { vpcId, region, description: "Bedrock tenancy runtime: HTTPS out to the VPC endpoints only", tags },
        { parent },
    );
    const createEndpoints = args.createEndpoints ?? INVOCATION_LOGGING_DEFAULTS.createEndpoints;
    if (!createEndpoints) {
        // The caller's endpoints have a security group we do not know; without
        // an internet route, HTTPS out can only reach what is inside the VPC.
        new aws.vpc.SecurityGroupEgressRule(
            `${name}-function-https-out`,
            { securityGroupId: functionSg.id, region, ipProtocol: "tcp", fromPort: HTTPS_PORT, toPort: HTTPS_PORT, cidrIpv4: "0.0.0.0/0", tags },
            { parent },
        );
        return { vpcId, subnetIds, functionSecurityGroupId: functionSg.id };
    }

    const endpointSg = new aws.ec2.SecurityGroup(
        `${name}-endpoint-sg`,
        { vpcId, region, description: "Bedrock tenancy runtime endpoints: HTTPS from the runtime only", tags },
        { parent },
    );
    new aws.vpc.SecurityGroupIngressRule(
        `${name}-endpoint-https-in`,
        { securityGroupId: endpointSg.id, region, ipProtocol: "tcp", fromPort: HTTPS_PORT, toPort: HTTPS_PORT, referencedSecurityGroupId: functionSg.id, tags },
        { parent },
    );
    new aws.vpc.SecurityGroupEgressRule(
        `${name}-function-https-out`,
        { securityGroupId: functionSg.id, region, ipProtocol: "tcp", fromPort: HTTPS_PORT, toPort: HTTPS_PORT, referencedSecurityGroupId: endpointSg.id, tags },
        { parent },
    );
    for (const service of ctx.s3 ? [...RUNTIME_ENDPOINT_SERVICES, "s3"] : RUNTIME_ENDPOINT_SERVICES) {
        new aws.ec2.VpcEndpoint(
            `${name}-${service}-endpoint`,
            {
                vpcId,
                region,
                serviceName: `com.amazonaws.${region}.${service}`,
                vpcEndpointType: "Interface",
                privateDnsEnabled: true,
                // S3 also offers a gateway endpoint; without one, private DNS must answer for the VPC itself.
                dnsOptions: service === "s3" ? { privateDnsOnlyForInboundResolverEndpoint: false } : undefined,
                subnetIds,
                securityGroupIds: [endpointSg.id],
                tags,
            },
            { parent },
        );
    }
    return { vpcId, subnetIds, functionSecurityGroupId: functionSg.id };
}
