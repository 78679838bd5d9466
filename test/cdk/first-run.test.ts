/**
 * Who answers CloudFormation for the deploy-time first run, and whether the answer can arrive. The answer is a
 * PUT to a presigned URL on CloudFormation's response bucket in the stack's region
 * (`cloudformation-custom-resource-response-<region without dashes>`). From a function in a VPC that PUT leaves
 * through the subnets' S3 gateway endpoint, and a gateway endpoint's policy decides it (VPC endpoint policies:
 * "the endpoint policy ... controls access to the service"; evaluated like a resource policy with Principal "*",
 * https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html). ECR's VPC-endpoint guide
 * recommends a policy that admits only the layer bucket ("Minimum Amazon S3 bucket permissions for Amazon ECR",
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html#ecr-setting-up-s3-gateway). A function
 * outside any VPC reaches S3's public endpoint, where no endpoint policy applies.
 */
import { describe, expect, it } from 'vitest';
import { FIRST_RUN } from '../../lambda/engine/model/contract.ts';
import { evaluate, evaluateIdentity, type PolicyStatement } from '../../lambda/engine/model/iam-policy.ts';
import { ACCOUNT, canaryTemplate, resolveJoins, resourcesOfType } from './helpers.ts';

const REGION = 'eu-west-1';
const VPC = { subnetIds: ['subnet-0123456789abcdef0'], securityGroupIds: ['sg-0123456789abcdef0'] };

/** The S3 gateway endpoint policy of ECR's guide: s3:GetObject on the region's layer bucket, nothing else. */
const ECR_GUIDE_ENDPOINT_POLICY: PolicyStatement[] = [
  {
    Effect: 'Allow',
    Principal: '*',
    Action: ['s3:GetObject'],
    Resource: [`arn:aws:s3:::prod-${REGION}-starport-layer-bucket/*`],
  },
];

/** The object a custom resource's answer is PUT to (bucket per region; key: stack ARN, logical ID, request). */
const RESPONSE_OBJECT = `arn:aws:s3:::cloudformation-custom-resource-response-${REGION.replaceAll('-', '')}/arn%3Aaws%3Acloudformation%3A${REGION}%3A${ACCOUNT}%3Astack/canary/1|FirstRun|request-1`;

type Resource = { Type: string; Properties?: Record<string, unknown> };

function firstRunOf(template: ReturnType<typeof canaryTemplate>) {
  const [resource] = Object.values(resourcesOfType(template, FIRST_RUN.resourceType));
  if (!resource?.Properties) throw new Error('no first run');
  const token = resource.Properties.ServiceToken as { 'Fn::GetAtt': [string, 'Arn'] };
  const functions = resourcesOfType(template, 'AWS::Lambda::Function') as Record<string, Resource>;
  const answering = functions[token['Fn::GetAtt'][0]];
  if (!answering) throw new Error('the service token is no function of this stack');
  return { properties: resource.Properties, answeringId: token['Fn::GetAtt'][0], answering, functions };
}

/** Whether the answering function's PUT reaches CloudFormation, with the ECR guide's endpoint policy in place. */
function answerArrives(answering: Resource): boolean {
  if (answering.Properties?.VpcConfig === undefined) return true;
  return (
    evaluate(ECR_GUIDE_ENDPOINT_POLICY, {
      principal: 'arn:aws:sts::111122223333:assumed-role/probe/fn',
      action: 's3:PutObject',
      resource: RESPONSE_OBJECT,
      context: {},
    }) === 'allow'
  );
}

describe('the deploy-time first run', () => {
  it('the endpoint policy of ECR’s guide admits the layer reads and refuses CloudFormation’s response PUT', () => {
    const decide = (action: string, resource: string) =>
      evaluate(ECR_GUIDE_ENDPOINT_POLICY, {
        principal: 'arn:aws:iam::1:role/x',
        action,
        resource,
        context: {},
      });
    expect(decide('s3:GetObject', `arn:aws:s3:::prod-${REGION}-starport-layer-bucket/abc`)).toBe('allow');
    expect(decide('s3:PutObject', RESPONSE_OBJECT)).toBe('implicit-deny');
  });

  it('in a VPC, is answered by a function outside it, which the probe returns its verdict to', () => {
    const template = canaryTemplate({ regions: [REGION], vpc: VPC });
    const { properties, answering, functions } = firstRunOf(template);
    const probeEntry = Object.entries(functions).find(([, fn]) => fn.Properties?.VpcConfig !== undefined);
    if (!probeEntry) throw new Error('no function in the VPC');
    const [probeId] = probeEntry;
    expect(answerArrives(answering)).toBe(true);
    expect(answering).not.toBe(probeEntry[1]);
    // The probe is told to return its answer, not to PUT it from inside the VPC.
    expect(properties[FIRST_RUN.properties.answer]).toBe(FIRST_RUN.answerByReturn);
    expect(JSON.stringify(answering.Properties?.Environment)).toContain(probeId);

    // The relay's role may invoke the probe (identity policy, same account), by IAM's rules.
    const roleArn = answering.Properties?.Role as { 'Fn::GetAtt': [string, 'Arn'] };
    const policies = Object.values(resourcesOfType(template, 'AWS::IAM::Policy')).filter((policy) =>
      JSON.stringify(policy.Properties?.Roles).includes(roleArn['Fn::GetAtt'][0]),
    );
    const probeArn = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:probe`;
    const statements = resolveJoins(
      JSON.parse(
        JSON.stringify(
          policies.flatMap(
            (p) => (p.Properties?.PolicyDocument as { Statement?: unknown[] } | undefined)?.Statement ?? [],
          ),
        ),
        (_key, value) => (value?.['Fn::GetAtt']?.[0] === probeId ? probeArn : value),
      ),
    ) as PolicyStatement[];
    expect(
      evaluateIdentity(statements, { action: 'lambda:InvokeFunction', resource: probeArn, context: {} }),
    ).toBe('allow');
    expect(
      evaluateIdentity(statements, {
        action: 'lambda:InvokeFunction',
        resource: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:other`,
        context: {},
      }),
    ).toBe('implicit-deny');
  });

  it('outside a VPC, is answered by the probe itself: no other function, no relay', () => {
    const template = canaryTemplate({ regions: [REGION] });
    const { properties, answering, functions } = firstRunOf(template);
    expect(answering.Properties?.VpcConfig).toBeUndefined();
    expect(answerArrives(answering)).toBe(true);
    expect(properties[FIRST_RUN.properties.answer]).toBeUndefined();
    const inVpc = canaryTemplate({ regions: [REGION], vpc: VPC });
    // The relay is the only function a VPC placement adds.
    expect(Object.keys(resourcesOfType(inVpc, 'AWS::Lambda::Function'))).toHaveLength(
      Object.keys(functions).length + 1,
    );
  });
});
