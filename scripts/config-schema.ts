/**
 * Writes what the declarations of lambda/engine/model/fields.ts give the user besides validation:
 * - schema/canary.config.schema.json, a JSON Schema (draft-07) of canary.config.json, so an editor completes and
 *   checks the file (`"$schema": "./schema/canary.config.schema.json"`, or from the package,
 *   `./node_modules/ecr-pull-canary/schema/canary.config.schema.json`);
 * - the reference tables of docs/configuration.md, between its `config-reference` markers.
 * `npm run schema` writes both; test/config-schema.test.ts fails when a committed file and the declarations disagree.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import {
  CONFIG_FIELDS,
  type Field,
  type Fields,
  ORGANIZATION_FIELDS,
  SCHEMA_KEY,
  TARGET_FIELDS,
} from '../lambda/engine/model/fields.ts';
import { LIMITS, PERCENTAGE_PATTERN, SERVICE_LIMITS } from '../lambda/engine/model/limits.ts';
import { KNOWN_REGIONS } from '../lambda/engine/model/regions.ts';

export const SCHEMA_PATH = fileURLToPath(new URL('../schema/canary.config.schema.json', import.meta.url));
export const REFERENCE_PATH = fileURLToPath(new URL('../docs/configuration.md', import.meta.url));
export const REFERENCE_START = '<!-- config-reference:start -->';
export const REFERENCE_END = '<!-- config-reference:end -->';

type JsonSchema = Record<string, unknown>;

/** Values written once under `definitions` and referred to wherever they occur: the regions and a target. */
const DEFINITIONS: ReadonlyArray<
  [name: string, matches: (field: Field) => boolean, schema: () => JsonSchema]
> = [
  [
    'region',
    (field) => field.type === 'enum' && field.values === KNOWN_REGIONS,
    () => ({ type: 'string', enum: [...KNOWN_REGIONS] }),
  ],
  [
    'target',
    (field) => field.type === 'object' && field.fields === TARGET_FIELDS,
    () => objectSchema(TARGET_FIELDS),
  ],
];

/** The JSON Schema of one declared value. */
function schemaOf(field: Field): JsonSchema {
  const about: JsonSchema = {
    ...(field.doc ? { description: field.doc } : {}),
    ...('default' in field && field.default !== undefined ? { default: field.default } : {}),
    ...(field.example !== undefined ? { examples: [field.example] } : {}),
  };
  const definition = DEFINITIONS.find(([, matches]) => matches(field));
  // Draft-07 ignores keywords beside a `$ref`: the reference goes into `allOf`, the description beside it.
  if (definition) return { allOf: [{ $ref: `#/definitions/${definition[0]}` }], ...about };
  switch (field.type) {
    case 'boolean':
      return { type: 'boolean', ...about };
    case 'number':
      return {
        type: field.integer ? 'integer' : 'number',
        minimum: field.range.min,
        maximum: field.range.max,
        ...about,
      };
    case 'enum':
      return { enum: [...field.values], ...about };
    case 'string':
      return {
        type: 'string',
        ...(field.pattern ? { pattern: field.pattern.source } : {}),
        ...(field.maxLength !== undefined ? { maxLength: field.maxLength } : {}),
        ...about,
      };
    case 'list':
      return {
        type: 'array',
        items: schemaOf(field.items),
        ...(field.minItems !== undefined ? { minItems: field.minItems } : {}),
        ...(field.maxItems !== undefined ? { maxItems: field.maxItems } : {}),
        ...about,
      };
    case 'object':
      return {
        ...objectSchema(field.fields),
        ...(field.nullable ? { type: ['object', 'null'] } : {}),
        ...about,
      };
    case 'regionMap':
      return {
        type: 'object',
        propertyNames: { $ref: '#/definitions/region' },
        additionalProperties: schemaOf(field.values),
        ...about,
      };
    case 'allOrList':
      return {
        anyOf: [
          { const: field.all },
          {
            type: 'array',
            items: schemaOf(field.items),
            ...(field.maxItems !== undefined ? { maxItems: field.maxItems } : {}),
          },
        ],
        ...about,
      };
    case 'countOrPercentage':
      return {
        anyOf: [
          { type: 'integer', minimum: field.min },
          { type: 'string', pattern: PERCENTAGE_PATTERN.source },
        ],
        ...about,
      };
  }
}

function objectSchema(fields: Fields): JsonSchema {
  const required = Object.entries(fields).flatMap(([key, field]) => (field.required ? [key] : []));
  return {
    type: 'object',
    properties: Object.fromEntries(Object.entries(fields).map(([key, field]) => [key, schemaOf(field)])),
    ...(required.length > 0 ? { required } : {}),
    additionalProperties: false,
  };
}

/** The JSON Schema of canary.config.json. */
export function configJsonSchema(): JsonSchema {
  const root = objectSchema(CONFIG_FIELDS);
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'ecr-pull-canary configuration (canary.config.json)',
    description:
      'Generated by `npm run schema` from lambda/engine/model/fields.ts. The canary validates the file itself as well, with the rules that relate keys to each other (a region override, a topic in the stack’s region, alarm M of N).',
    ...root,
    definitions: Object.fromEntries(DEFINITIONS.map(([name, , schema]) => [name, schema()])),
    properties: {
      [SCHEMA_KEY]: { type: 'string', description: 'the JSON Schema this file follows, for editors' },
      ...(root.properties as JsonSchema),
    },
  };
}

// --- The reference tables ----------------------------------------------------------------------------------------

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function code(value: unknown): string {
  return `\`${JSON.stringify(value)}\``;
}

function typeText(field: Field): string {
  if (field.typeText) return field.typeText;
  switch (field.type) {
    case 'number':
      return `${field.integer ? 'integer' : 'number'} ${field.range.min}–${field.range.max}`;
    case 'enum':
      return field.values.map((value) => `\`${value}\``).join(', ');
    case 'list':
      return `list of ${typeText(field.items)}`;
    case 'regionMap':
      return 'object keyed by region';
    default:
      return field.type;
  }
}

function defaultText(field: Field): string {
  if (field.defaultText) return field.defaultText;
  if ('default' in field && field.default !== undefined) return code(field.default);
  return 'none';
}

/** Rows of a table: each key, an object marked `expand` as one row per key of its own. */
function rows(
  fields: Fields,
  prefix: string,
  prop: (key: string, field: Field) => string | null,
): string[][] {
  return Object.entries(fields).flatMap(([key, field]) => {
    const name = `${prefix}${key}`;
    if (field.type === 'object' && field.expand) {
      const parent = prop(key, field);
      return rows(field.fields, `${name}.`, (inner, innerField) =>
        parent === null ? null : `${parent}.${innerField.prop ?? inner}`,
      );
    }
    const propName = prop(key, field);
    return [
      [
        `\`${name}\``,
        typeText(field),
        defaultText(field),
        field.example === undefined ? '' : code(field.example),
        propName === null ? '— (file only)' : propName === name ? 'same' : `\`${propName}\``,
        field.doc,
      ],
    ];
  });
}

function table(header: string[], body: string[][]): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...body.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ];
}

const propOf = (key: string, field: Field): string | null => (field.prop === undefined ? key : field.prop);

/** The reference tables, the text between the markers of docs/configuration.md. */
function configReference(): string {
  const header = ['key', 'type', 'default', 'example', 'construct prop', 'meaning'];
  const withoutProp = (row: string[]) => [...row.slice(0, 4), ...row.slice(5)];
  return [
    '<!-- Generated by `npm run schema` from lambda/engine/model/fields.ts; edit that file, not this table. -->',
    '',
    'The keys of the configuration file, canary.config.json (JSON Schema: `schema/canary.config.schema.json`).\n' +
      'The construct’s props (`EcrPullCanaryProps`) take the same values under the names of the prop column, except\n' +
      'that `schedule` is a `Duration`, `logRetention` a `logs.RetentionDays` and `vpcPlacement` has no `null`.',
    '',
    ...table(header, rows(CONFIG_FIELDS, '', propOf)),
    '',
    'A target (`targets[]`, and the construct’s `ProbeTarget`):',
    '',
    ...table(
      header.filter((column) => column !== 'construct prop'),
      rows(TARGET_FIELDS, '', propOf).map(withoutProp),
    ),
    '',
    '`organization` (checked with the rest of the file; file only):',
    '',
    ...table(
      header.filter((column) => column !== 'construct prop'),
      rows(ORGANIZATION_FIELDS, 'organization.', propOf).map(withoutProp),
    ),
    '',
    ...limitsReference(),
  ].join('\n');
}

/**
 * The limits a user meets, from the one table of each (LIMITS, SERVICE_LIMITS in lambda/engine/model/limits.ts):
 * what validation refuses beyond, and the service limits every valid configuration is built and tested to stay
 * within (test/cdk/limits.test.ts).
 */
function limitsReference(): string[] {
  return [
    '## Limits',
    '',
    'Validation refuses a configuration beyond these, naming the key, the value and the limit, before anything deploys:',
    '',
    ...table(
      ['what', 'at most', 'why'],
      [
        [
          'targets per region (`targets`, `regionOverrides.<region>.targets`)',
          String(LIMITS.targetsPerRegion),
          'what one region’s stack, its dashboard row and one run within the schedule are tested with; the targets travel in the function’s code, not its environment',
        ],
        [
          '`notifications.emails`, and `notifications.httpsEndpoints`, each',
          String(LIMITS.subscriptionsPerProtocol),
          'each is a subscription resource of the region’s stack',
        ],
        ['`vpc.subnetIds`', String(LIMITS.subnetsPerFunction), 'Lambda’s limit per function'],
        ['`vpc.securityGroupIds`', String(LIMITS.securityGroupsPerFunction), 'Lambda’s limit per function'],
        ['`name`', `${LIMITS.nameMaxLength} characters`, 'stack, alarm and repository names embed it'],
      ],
    ),
    '',
    'At synthesis, a dashboard (`dashboard`, or the organization’s monitoring dashboard with explicit\n' +
      '`organization.accounts`) over CloudWatch’s dashboard limits, and a probe role whose policies a region’s\n' +
      'repositories and roles would push past IAM’s limits, are refused the same way. Every valid configuration\n' +
      'stays within these service limits (`test/cdk/limits.test.ts` synthesizes the largest ones and measures each\n' +
      'as the service does):',
    '',
    ...table(
      ['limit', 'value', 'source'],
      Object.values(SERVICE_LIMITS).map((limit) => [
        limit.what,
        limit.value.toLocaleString('en-US'),
        `[${new URL(limit.source).pathname.split('/').pop()}](${limit.source})`,
      ]),
    ),
  ];
}

/** docs/configuration.md with its generated region replaced by `reference`. */
function withReference(page: string, reference: string): string {
  const start = page.indexOf(REFERENCE_START);
  const end = page.indexOf(REFERENCE_END);
  if (start < 0 || end < start) {
    throw new Error(`${REFERENCE_PATH} lacks the markers ${REFERENCE_START} … ${REFERENCE_END}`);
  }
  return `${page.slice(0, start + REFERENCE_START.length)}\n${reference}\n${page.slice(end)}`;
}

/** Text as `npm run format` (biome) leaves a file of this name: the committed files stay lint-clean. */
function formatted(text: string, path: string): string {
  const biome = createRequire(import.meta.url).resolve('@biomejs/biome/bin/biome');
  const run = spawnSync(process.execPath, [biome, 'format', `--stdin-file-path=${path}`], {
    input: text,
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`biome format ${path} failed: ${run.stderr}`);
  return run.stdout;
}

/** The two files as `npm run schema` writes them, from the committed page around the generated region. */
export function generatedFiles(page: string): { schema: string; page: string } {
  return {
    schema: formatted(`${JSON.stringify(configJsonSchema(), null, 2)}\n`, SCHEMA_PATH),
    page: formatted(withReference(page, configReference()), REFERENCE_PATH),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const files = generatedFiles(readFileSync(REFERENCE_PATH, 'utf8'));
  writeFileSync(SCHEMA_PATH, files.schema);
  writeFileSync(REFERENCE_PATH, files.page);
  console.log(`wrote ${SCHEMA_PATH} and the reference in ${REFERENCE_PATH}`);
}
