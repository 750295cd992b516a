/** Pieces of the report page: escaping, number formats, tables with the best value of each column highlighted, chart figures. */
import type { RenderedChart } from './charts';

/** Text made safe for HTML element content and attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
export const MISSING = '<span class="na">–</span>';
export const fixed = (x: unknown, digits = 3) => (isNum(x) ? x.toFixed(digits) : MISSING);
export const percent = (x: unknown) => (isNum(x) ? `${(100 * x).toFixed(1)}%` : MISSING);
export const count = (x: unknown) => (isNum(x) ? x.toLocaleString('en-US') : MISSING);

export interface Column<T> {
  head: string;
  title?: string;
  cell(row: T): string;
  /** For highlighting the best value of the column. */
  value?(row: T): number | undefined;
}

/** A table of `rows`; in each column with values, the highest is highlighted (when there are two rows or more). */
export function highlightedTable<T>(rows: T[], cols: Column<T>[], className: string): string {
  const best = cols.map((c) => {
    if (!c.value || rows.length < 2) return undefined;
    const vals = rows.map((r) => c.value!(r)).filter(isNum);
    return vals.length > 0 ? Math.max(...vals) : undefined;
  });
  const body = rows.map((r) => {
    const cells = cols.map((c, i) => {
      const html = c.cell(r);
      const v = c.value?.(r);
      return best[i] !== undefined && v === best[i] ? html.replace('<td class="num"', '<td class="num best"') : html;
    });
    return `<tr>${cells.join('')}</tr>`;
  });
  const head = cols.map((c) => `<th scope="col"${c.title ? ` title="${escapeHtml(c.title)}"` : ''}>${c.head}</th>`).join('');
  return `<div class="scroll"><table class="${className}"><thead><tr>${head}</tr></thead><tbody>\n${body.join('\n')}\n</tbody></table></div>`;
}

export function chartFigure(chart: RenderedChart | undefined, caption: string): string {
  if (!chart) return '';
  const svg = chart.svg.replace(/^<\?xml[^>]*>\s*/, '').replace(/^<svg /, `<svg role="img" aria-label="${escapeHtml(chart.title)}" `);
  return `<figure class="chart" id="chart-${escapeHtml(chart.name)}">${svg}<figcaption>${caption}</figcaption></figure>`;
}
