/**
 * Writes the baseline the update test judges upgrades from (test/cdk/update-safety.test.ts): for each
 * configuration `test/fixtures/baseline/<case>.config.json`, the templates this checkout synthesizes, as
 * `<case>.templates.json`. Run it at a release, after the release's own update test passed against the previous
 * baseline, so the next release is judged as an upgrade from this one:
 *
 *   npm run baseline
 *
 * The configurations are copies (not the examples themselves), so an edited example does not silently change
 * what was deployed before. Add a case by adding its configuration and running the script.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CanaryConfigFile } from '../lambda/engine/config/schema.ts';
import { buildLambdaCode } from '../lib/handler-bundling.ts';
import { type StackTemplates, synthesizeTemplates } from '../test/support/synth-templates.ts';

export const BASELINE_DIR = fileURLToPath(new URL('../test/fixtures/baseline/', import.meta.url));
const CONFIG_SUFFIX = '.config.json';

/** One line per resource: small, and a diff shows which resources a release changed. */
function formatTemplates(templates: StackTemplates): string {
  const stacks = Object.entries(templates).map(([name, template]) => {
    const sections = Object.entries(template).map(([section, value]) =>
      section === 'Resources'
        ? `  "Resources": {\n${Object.entries(value as object)
            .map(([id, resource]) => `   ${JSON.stringify(id)}: ${JSON.stringify(resource)}`)
            .join(',\n')}\n  }`
        : `  ${JSON.stringify(section)}: ${JSON.stringify(value)}`,
    );
    return ` ${JSON.stringify(name)}: {\n${sections.join(',\n')}\n }`;
  });
  return `{\n${stacks.join(',\n')}\n}\n`;
}

await buildLambdaCode();
const cases = readdirSync(BASELINE_DIR).filter((file) => file.endsWith(CONFIG_SUFFIX));
if (cases.length === 0) throw new Error(`no ${CONFIG_SUFFIX} in ${BASELINE_DIR}`);
for (const file of cases.sort()) {
  const config = JSON.parse(readFileSync(join(BASELINE_DIR, file), 'utf8')) as CanaryConfigFile;
  const templates = synthesizeTemplates(config);
  const out = join(BASELINE_DIR, file.replace(CONFIG_SUFFIX, '.templates.json'));
  writeFileSync(out, formatTemplates(templates));
  process.stdout.write(`${out}: ${Object.keys(templates).length} templates\n`);
}
