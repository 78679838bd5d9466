/**
 * Props a construct does not know are refused, as the configuration file refuses unknown keys: JavaScript callers
 * and spread objects get no type error, and a prop the construct ignores silently is a setting that never applied.
 */
import { Annotations, type Duration, type StackProps } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { checkKeys, type Problems } from '../lambda/engine/config/validation.ts';
import { closest } from '../lambda/engine/model/did-you-mean.ts';
import { CONFIG_FIELDS } from '../lambda/engine/model/fields.ts';

/** The configuration file's keys whose prop has another name (`prop` in the field declarations): scheduleMinutes → schedule. */
export const FILE_KEY_PROPS: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(CONFIG_FIELDS).flatMap(([key, field]) => {
    const prop = (field as { prop?: string | null }).prop;
    return typeof prop === 'string' ? [[key, prop]] : [];
  }),
);

/** Reports every prop not in `known`, with the file's "did you mean" (or the prop a file key goes by). */
export function checkProps(p: Problems, props: object, known: readonly string[]): void {
  checkKeys(p, '', props as Record<string, unknown>, known, { renamed: FILE_KEY_PROPS, noun: 'prop' });
}

/**
 * A `Duration` prop given as something else: from JavaScript, `schedule: 5` would otherwise fail inside the CDK
 * with "toSeconds is not a function" before any check could name the prop. The file key that takes a plain number
 * (scheduleMinutes for schedule) is named, since that is where a number usually comes from. True when it is one
 * (or absent).
 */
export function checkDuration(
  p: Problems,
  path: string,
  value: unknown,
  fileKey = Object.keys(FILE_KEY_PROPS).find((key) => FILE_KEY_PROPS[key] === path),
): value is Duration | undefined {
  if (value === undefined) return true;
  if (typeof (value as { toSeconds?: unknown } | null)?.toSeconds === 'function') return true;
  p.add(
    path,
    value,
    `allowed: a Duration, such as Duration.minutes(5)${fileKey ? ` (the configuration file's ${fileKey} is the one that takes a number)` : ''}`,
  );
  return false;
}

/**
 * Every prop of the CDK's {@link StackProps} as of the aws-cdk-lib this package is built with: the compiler holds
 * the list complete for that version.
 */
export const STACK_PROP_KEYS = propKeys<StackProps>()([
  'description',
  'env',
  'stackName',
  'tags',
  'notificationArns',
  'synthesizer',
  'terminationProtection',
  'analyticsReporting',
  'crossRegionReferences',
  'permissionsBoundary',
  'suppressTemplateIndentation',
  'propertyInjectors',
]);

/**
 * A stack's props are its own plus the CDK's StackProps, and a newer aws-cdk-lib (a peer dependency, `^`) may add
 * StackProps this list lacks. So an unknown prop close to a known one is refused as a typo, with "did you mean";
 * any other is a synth warning (`cdk synth` prints it), not a refusal of a prop the installed CDK may well know.
 */
export function checkStackProps(
  scope: IConstruct,
  p: Problems,
  props: object,
  own: readonly string[],
  stackKind: string,
): void {
  const known = [...own, ...STACK_PROP_KEYS];
  const unknown = Object.keys(props).filter((key) => !known.includes(key));
  const typos = unknown.filter((key) => closest(key, known) !== null || Object.hasOwn(FILE_KEY_PROPS, key));
  checkProps(
    p,
    Object.fromEntries(typos.map((key) => [key, (props as Record<string, unknown>)[key]])),
    known,
  );
  for (const key of unknown.filter((k) => !typos.includes(k))) {
    Annotations.of(scope).addWarningV2(
      `ecr-pull-canary:unknown-prop:${key}`,
      `${stackKind}: prop "${key}" is neither one of its own (${own.join(', ')}) nor a StackProps prop this package knows; it is passed to the CDK's Stack and otherwise ignored`,
    );
  }
}

/**
 * The complete list of a props type's keys, held complete by the compiler: `propKeys<MyProps>()(['a', 'b'])`
 * fails to compile, naming the key, when a prop is added to the type and not to the list.
 */
export function propKeys<P>() {
  return <const K extends readonly (keyof P & string)[]>(
    keys: K &
      ([Exclude<keyof P, K[number]>] extends [never] ? unknown : { missing: Exclude<keyof P, K[number]> }),
  ): K => keys;
}
