/**
 * Props a construct does not know are refused, as the configuration file refuses unknown keys: JavaScript callers
 * and spread objects get no type error, and a prop the construct ignores silently is a setting that never applied.
 */
import { checkKeys, type Problems } from '../lambda/engine/config/validation.ts';
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
