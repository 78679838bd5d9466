/**
 * The update judge (test/support/update-judge.ts) and its rules (test/support/cfn-update-rules.ts): each rule on
 * the smallest templates that break it, and the rules table against the CDK's service specification database,
 * which carries every type's replacement properties from the registry schemas and the resource reference.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { isCustomResource, UPDATE_RULES } from './support/cfn-update-rules.ts';
import type { CfnTemplate, StackTemplates, TemplateResource } from './support/synth-templates.ts';
import { judgeUpdate } from './support/update-judge.ts';

const template = (resources: Record<string, TemplateResource>): CfnTemplate => ({ Resources: resources });
const fn = (properties: Record<string, unknown> = {}): TemplateResource => ({
  Type: 'AWS::Lambda::Function',
  Properties: { Role: 'arn:aws:iam::111122223333:role/r', Runtime: 'nodejs22.x', ...properties },
});

describe('the update judge', () => {
  it('replaces on a changed replacement property, and along every Ref, GetAtt and Sub of a replaced resource', () => {
    const before = template({
      Fn: fn({ PackageType: 'Zip' }),
      Permission: {
        Type: 'AWS::Lambda::Permission',
        Properties: {
          FunctionName: { 'Fn::GetAtt': ['Fn', 'Arn'] },
          Action: 'lambda:InvokeFunction',
          Principal: 'x',
        },
      },
      Invoke: {
        Type: 'AWS::Lambda::EventInvokeConfig',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string
        Properties: { FunctionName: { 'Fn::Sub': '${Fn}' }, Qualifier: '$LATEST' },
      },
      Logs: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 7 } },
    });
    const after = template({
      ...before.Resources,
      Fn: fn({ PackageType: 'Image' }),
      Logs: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30 } },
    });
    expect(judgeUpdate(before, after)).toEqual({
      replaced: { Fn: ['PackageType'], Permission: ['FunctionName'], Invoke: ['FunctionName'] },
      failures: [],
    });
  });

  it('fails a changed type', () => {
    const before = template({ Thing: { Type: 'AWS::SNS::Topic', Properties: {} } });
    const after = template({ Thing: { Type: 'AWS::KMS::Key', Properties: {} } });
    expect(judgeUpdate(before, after).failures).toEqual([
      'Thing: type changes from AWS::SNS::Topic to AWS::KMS::Key (Update of resource type is not permitted)',
    ]);
  });

  it('fails a replacement under the same fixed name, and not one under a new name or a generated one', () => {
    const table = (name: string | undefined, key: string): TemplateResource => ({
      Type: 'AWS::DynamoDB::Table',
      Properties: {
        ...(name ? { TableName: name } : {}),
        KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
      },
    });
    const failures = judgeUpdate(
      template({
        Named: table('state', 'pk'),
        Renamed: table('old', 'pk'),
        Generated: table(undefined, 'pk'),
      }),
      template({
        Named: table('state', 'id'),
        Renamed: table('new', 'id'),
        Generated: table(undefined, 'id'),
      }),
    ).failures;
    expect(failures).toEqual([
      expect.stringMatching(
        /^Named \(AWS::DynamoDB::Table\): replaced \(KeySchema changes\) under the same TableName "state": .*already exists/,
      ),
    ]);
  });

  it("fails a custom resource's changed service token, also when its function is replaced", () => {
    const custom = (token: unknown): TemplateResource => ({
      Type: 'Custom::Run',
      Properties: { ServiceToken: token },
    });
    const arn = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
    expect(
      judgeUpdate(
        template({ A: fn(), B: fn(), Run: custom(arn('A')) }),
        template({ A: fn(), B: fn(), Run: custom(arn('B')) }),
      ).failures,
    ).toEqual([
      expect.stringContaining(
        'Run (Custom::Run): its ServiceToken changes from {"Fn::GetAtt":["A","Arn"]} to {"Fn::GetAtt":["B","Arn"]}: "Modifying service token is not allowed"',
      ),
    ]);
    expect(
      judgeUpdate(
        template({ A: fn({ FunctionName: 'a' }), Run: custom(arn('A')) }),
        template({ A: fn({ FunctionName: 'a2' }), Run: custom(arn('A')) }),
      ).failures,
    ).toEqual([expect.stringContaining('Modifying service token is not allowed')]);
    // A new logical ID is the way out: a create through the new token, a Delete through the old one.
    expect(
      judgeUpdate(
        template({ A: fn(), B: fn(), Run: custom(arn('A')) }),
        template({ A: fn(), B: fn(), RunViaB: custom(arn('B')) }),
      ).failures,
    ).toEqual([]);
  });

  it("fails a created resource that takes a removed one's name (written either way) or identity", () => {
    const alarm = (name: unknown): TemplateResource => ({
      Type: 'AWS::CloudWatch::Alarm',
      Properties: { AlarmName: name },
    });
    const subscription = (topic: unknown): TemplateResource => ({
      Type: 'AWS::SNS::Subscription',
      Properties: { TopicArn: topic, Protocol: 'email', Endpoint: 'oncall@example.com' },
    });
    const topic: TemplateResource = { Type: 'AWS::SNS::Topic', Properties: {} };
    const failures = judgeUpdate(
      template({ Old: alarm('canary-eu-west-1-auth'), Topic: topic, Mail: subscription({ Ref: 'Topic' }) }),
      template({
        New: alarm({ 'Fn::Join': ['-', ['canary', 'eu-west-1', 'auth']] }),
        Topic: topic,
        MailRenamed: subscription({ Ref: 'Topic' }),
      }),
    ).failures;
    expect(failures).toEqual([
      'New (AWS::CloudWatch::Alarm): created with the AlarmName {"Fn::Join":["-",["canary","eu-west-1","auth"]]} of Old, which is deleted only after the creates',
      expect.stringMatching(
        /^MailRenamed \(AWS::SNS::Subscription\): created with the Endpoint \+ Protocol \+ TopicArn of Mail \(Subscribe returns the existing subscription/,
      ),
    ]);
    // The same endpoint on a new topic is another subscription.
    expect(
      judgeUpdate(
        template({ Topic: topic, Mail: subscription({ Ref: 'Topic' }) }),
        template({ Topic2: topic, Mail2: subscription({ Ref: 'Topic2' }) }),
      ).failures,
    ).toEqual([]);
  });

  it('fails a removed custom resource whose Delete goes to a function the update puts into a VPC, unless retained', () => {
    const run = (policy?: string): TemplateResource => ({
      Type: 'Custom::Run',
      Properties: { ServiceToken: { 'Fn::GetAtt': ['Fn', 'Arn'] } },
      ...(policy ? { DeletionPolicy: policy } : {}),
    });
    const inVpc = fn({ VpcConfig: { SubnetIds: ['subnet-0123456789abcdef0'] } });
    expect(judgeUpdate(template({ Fn: fn(), Run: run() }), template({ Fn: inVpc })).failures).toEqual([
      expect.stringMatching(
        /^Run \(Custom::Run\): removed, and its Delete goes to Fn, which this update places in a VPC/,
      ),
    ]);
    expect(judgeUpdate(template({ Fn: fn(), Run: run('Retain') }), template({ Fn: inVpc })).failures).toEqual(
      [],
    );
    expect(judgeUpdate(template({ Fn: fn(), Run: run() }), template({ Fn: fn() })).failures).toEqual([]);
  });

  it('fails a type nobody has read the rules of', () => {
    const before = template({ Thing: { Type: 'AWS::Example::Thing', Properties: {} } });
    expect(judgeUpdate(before, before).failures).toEqual([
      'AWS::Example::Thing: no update rules; read its replacement properties first (test/support/cfn-update-rules.ts)',
    ]);
  });
});

describe('the update rules', () => {
  it('have an entry for every type the baseline templates emit', () => {
    const dir = fileURLToPath(new URL('./fixtures/baseline/', import.meta.url));
    const types = new Set<string>();
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.templates.json'))) {
      const stacks = JSON.parse(readFileSync(join(dir, file), 'utf8')) as StackTemplates;
      for (const stack of Object.values(stacks))
        for (const r of Object.values(stack.Resources)) types.add(r.Type);
    }
    expect([...types].filter((type) => !isCustomResource(type) && !UPDATE_RULES[type])).toEqual([]);
  });

  // The CDK CLI's copy of @aws-cdk/aws-service-spec (what `cdk diff` reads to say "may cause replacement"): each
  // property's causesReplacement, from the registry schema's createOnlyProperties and the resource reference.
  it("match the replacement properties of the CDK's service specification, and name only such properties", () => {
    const require = createRequire(import.meta.url);
    const db = JSON.parse(
      gunzipSync(
        readFileSync(join(dirname(require.resolve('aws-cdk/package.json')), 'db.json.gz')),
      ).toString(),
    ) as {
      schema: {
        resource: {
          entities: Record<
            string,
            { cloudFormationType: string; properties: Record<string, { causesReplacement?: string }> }
          >;
        };
      };
    };
    const byType = new Map(Object.values(db.schema.resource.entities).map((e) => [e.cloudFormationType, e]));
    const mismatches: string[] = [];
    for (const [type, rule] of Object.entries(UPDATE_RULES)) {
      const spec = byType.get(type);
      if (!spec) {
        mismatches.push(`${type}: not in the specification`);
        continue;
      }
      const specified = Object.entries(spec.properties)
        .filter(([, p]) => p.causesReplacement === 'yes' || p.causesReplacement === 'maybe')
        .map(([name]) => name)
        .sort();
      if (JSON.stringify(specified) !== JSON.stringify([...rule.replacement].sort())) {
        mismatches.push(
          `${type}: the specification says ${specified.join(', ')}; the table ${rule.replacement.join(', ')}`,
        );
      }
      if (rule.name && !rule.replacement.includes(rule.name))
        mismatches.push(`${type}: name ${rule.name} is updatable?`);
      for (const p of rule.identity ?? [])
        if (!spec.properties[p]) mismatches.push(`${type}: no property ${p}`);
    }
    expect(mismatches).toEqual([]);
    expect(
      byType.get('AWS::CloudFormation::CustomResource')?.properties.ServiceToken?.causesReplacement,
    ).toBe('yes');
  });
});
