import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EKSClient } from '@aws-sdk/client-eks';
import { KMSClient } from '@aws-sdk/client-kms';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { ClientPool } from '../../engine/aws/call.ts';
import { OamClient } from './oam.ts';

/**
 * The read-only clients preflight uses, one per service and region, all with the deployer's credentials (the
 * SDK's default chain) and the SDK's endpoint variables (AWS_ENDPOINT_URL_EC2, AWS_ENDPOINT_URL_SSM, …), from the
 * engine's pool (lambda/engine/aws/call.ts): each request's socket gives up at the deadline too.
 */
export class PreflightClients {
  private readonly pool: ClientPool;

  constructor(timeoutMs: number) {
    this.pool = new ClientPool(timeoutMs);
  }

  sts = (region: string) => this.pool.get('sts', region, (c) => new STSClient(c));
  ssm = (region: string) => this.pool.get('ssm', region, (c) => new SSMClient(c));
  ec2 = (region: string) => this.pool.get('ec2', region, (c) => new EC2Client(c));
  sns = (region: string) => this.pool.get('sns', region, (c) => new SNSClient(c));
  kms = (region: string) => this.pool.get('kms', region, (c) => new KMSClient(c));
  cloudformation = (region: string) =>
    this.pool.get('cloudformation', region, (c) => new CloudFormationClient(c));
  cloudtrail = (region: string) => this.pool.get('cloudtrail', region, (c) => new CloudTrailClient(c));
  /** Organizations has one endpoint per partition; the region only picks the partition. */
  organizations = (region: string) =>
    this.pool.get('organizations', region, (c) => new OrganizationsClient(c));
  eks = (region: string) => this.pool.get('eks', region, (c) => new EKSClient(c));
  oam = (region: string) => this.pool.get('oam', region, (c) => new OamClient(c));

  destroy(): void {
    this.pool.destroy();
  }
}
