import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CODE_DATA, CodeDataError, parseCodeDataValues, resolveCodeData } from '../engine/model/code-data.ts';

/**
 * The code data the construct wrote beside the bundle (lambda/engine/model/code-data.ts), its deploy-time values filled
 * in. Read per invocation like the rest of the configuration: a few KB, from the function's own file system.
 * Lambda sets LAMBDA_TASK_ROOT to the directory the code is extracted to.
 */
export function readCodeData(env: NodeJS.ProcessEnv): unknown {
  const root = env.LAMBDA_TASK_ROOT;
  if (!root) throw new CodeDataError('LAMBDA_TASK_ROOT is not set; the Lambda runtime always sets it');
  const path = join(root, CODE_DATA.file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CodeDataError(
      `${CODE_DATA.file} is missing from the function's code (${(error as NodeJS.ErrnoException).code ?? 'unreadable'}); deploy it with the construct, which writes it`,
    );
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new CodeDataError(`${CODE_DATA.file}: ${(error as Error).message}`);
  }
  return resolveCodeData(document, parseCodeDataValues(env[CODE_DATA.valuesEnv]));
}
