// JSON format: the whole Report, schemaVersion first, stable 2-space layout for diffs and jq.
import { REPORT_SCHEMA_VERSION, type Report } from './model.js';

export function renderJson(report: Report): string {
  const { schemaVersion: _ignored, ...rest } = report;
  return `${JSON.stringify({ schemaVersion: REPORT_SCHEMA_VERSION, ...rest }, null, 2)}\n`;
}
