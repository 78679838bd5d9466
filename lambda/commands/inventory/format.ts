/**
 * The inventory as a table an operator reads: what is at risk first (with the fix), then what was not checked,
 * then notices, then a count of what is fine, and a summary line. Pure.
 */
import type { CheckStatus, ImageCheck } from '../../engine/inventory/check.ts';
import type { InventoryReport } from '../../engine/inventory/run.ts';

const ORDER: readonly CheckStatus[] = ['at-risk', 'not-checked', 'notice', 'ok'];
const LABEL: Record<CheckStatus, string> = {
  'at-risk': 'AT RISK',
  'not-checked': 'NOT CHECKED',
  notice: 'NOTICE',
  ok: 'OK',
};

export function formatInventory(report: InventoryReport): string {
  const lines: string[] = [];
  const w = report.workloads;
  lines.push(
    `Images in use in ${report.region} (${report.at}): ${w['ecs-service']} ECS services, ${w['ecs-task']} standalone ECS tasks, ${w.lambda} Lambda image functions`,
  );
  const shown = report.checks.filter((c) => c.status !== 'ok');
  if (shown.length > 0) {
    const rows = [...shown].sort((a, b) => ORDER.indexOf(a.status) - ORDER.indexOf(b.status));
    const header = ['STATUS', 'WORKLOAD', 'IMAGE', 'REASON'];
    const cells = rows.map((c) => [LABEL[c.status], workloadLabel(c), c.checked, c.reason ?? '-']);
    const widths = header.map((h, i) => Math.max(h.length, ...cells.map((row) => (row[i] as string).length)));
    const row = (values: string[]) =>
      values
        .map((v, i) => v.padEnd(widths[i] as number))
        .join('  ')
        .trimEnd();
    lines.push('', row(header));
    rows.forEach((check, i) => {
      lines.push(row(cells[i] as string[]));
      lines.push(`    ${check.detail}`);
      if (check.fix && check.status !== 'not-checked') lines.push(`    fix: ${check.fix}`);
    });
  }
  if (report.skipped.length > 0) {
    lines.push('', `Not on ECR, not checked: ${report.skipped.length} image references`);
    for (const s of report.skipped.slice(0, 10)) lines.push(`    ${s.workload}: ${s.image} (${s.why})`);
    if (report.skipped.length > 10)
      lines.push(`    … and ${report.skipped.length - 10} more (--json lists all)`);
  }
  for (const problem of report.problems) lines.push(`Not discovered: ${problem}`);
  const ok = report.checks.filter((c) => c.status === 'ok').length;
  const byReason = Object.entries(report.atRisk)
    .filter(([, n]) => n > 0)
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ');
  lines.push(
    '',
    `${report.atRiskTotal} at risk${byReason ? ` (${byReason})` : ''}, ${report.notChecked} not checked, ${count(report.checks, 'notice')} notices, ${ok} ok; ${report.callsTotal} API calls${report.retriedResponses ? ` (+${report.retriedResponses} throttled, retried)` : ''} in ${(report.durationMs / 1000).toFixed(1)} s`,
  );
  return `${lines.join('\n')}\n`;
}

function workloadLabel(check: ImageCheck): string {
  const kind =
    check.workload.kind === 'lambda' ? 'lambda' : check.workload.kind === 'ecs-task' ? 'task' : 'service';
  return `${kind} ${check.workload.name}`;
}

function count(checks: readonly ImageCheck[], status: CheckStatus): number {
  return checks.filter((c) => c.status === status).length;
}
