import { html, type Html } from '../html.js';
import type { CrawlProgress } from '../../store/crawl-progress.js';

// Drawn here as inline SVG, no chart library: the admin loads nothing from elsewhere, and a server on a
// closed network shows the same page. The viewBox scales to the page's width, down to a phone's.
const WIDTH = 640;
const HEIGHT = 240;
const PLOT = { left: 52, right: 16, top: 14, bottom: 40 };
// Links dashed: where the two lines run together, both stay visible.
const SERIES = [
  { key: 'pages', label: 'pages fetched', color: '#2f6fb3', dash: 'none' },
  { key: 'links', label: 'links checked', color: '#c2571a', dash: '6 4' },
] as const;

type Point = { at: number; pages: number; links: number; added: { pages: number; links: number }; start: number };

/** A round top for the y axis, at least `value` and not far above it: 2, 6, 12, 250, 1200... */
function roundUp(value: number): number {
  const power = 10 ** Math.floor(Math.log10(Math.max(1, value)));
  return [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].map((step) => Math.max(1, Math.round(step * power))).find((top) => top >= value)!;
}

const clock = (date: Date) => date.toISOString().slice(11, 19);

function duration(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 360) / 10} h`;
}

/** The running totals at the end of each bucket that saw something, after a zero at the start. */
function cumulative(progress: CrawlProgress, spanSeconds: number): Point[] {
  const points: Point[] = [{ at: 0, pages: 0, links: 0, added: { pages: 0, links: 0 }, start: 0 }];
  for (const bucket of progress.buckets) {
    const last = points[points.length - 1]!;
    points.push({
      start: Math.min(bucket.index * progress.bucketSeconds, spanSeconds),
      at: Math.min((bucket.index + 1) * progress.bucketSeconds, spanSeconds),
      pages: last.pages + bucket.pages,
      links: last.links + bucket.links,
      added: { pages: bucket.pages, links: bucket.links },
    });
  }
  return points;
}

/**
 * The crawl's pages fetched and links checked as running totals over time: one line each, a point
 * (with its numbers as a tooltip) per interval that saw work.
 */
export function progressChart(progress: CrawlProgress | null): Html {
  if (!progress || progress.buckets.length === 0) return html`<p class="muted" id="progress-empty">Nothing fetched or checked yet.</p>`;
  const from = new Date(progress.from);
  const spanSeconds = Math.max(1, (new Date(progress.to).getTime() - from.getTime()) / 1000);
  const points = cumulative(progress, spanSeconds);
  const final = points[points.length - 1]!;
  const top = roundUp(Math.max(final.pages, final.links, 1));
  const x = (at: number) => (PLOT.left + (at / spanSeconds) * (WIDTH - PLOT.left - PLOT.right)).toFixed(1);
  const y = (count: number) => (HEIGHT - PLOT.bottom - (count / top) * (HEIGHT - PLOT.top - PLOT.bottom)).toFixed(1);
  const grid = [0, top / 2, top].map((value) => html`<line x1="${PLOT.left}" x2="${WIDTH - PLOT.right}" y1="${y(value)}" y2="${y(value)}" class="grid"/>
<text x="${PLOT.left - 6}" y="${y(value)}" dy="4" text-anchor="end">${value}</text>`);
  const lines = SERIES.map(({ key, label, color, dash }) => {
    // Flat until an interval starts, rising across it: the line never suggests work before there was any.
    const path = points.flatMap((point, index) => (index === 0 ? [point] : [{ ...points[index - 1]!, at: point.start }, point]))
      .concat({ ...final, at: spanSeconds })
      .map((point) => `${x(point.at)},${y(point[key])}`).join(' ');
    return html`<polyline class="line ${key}" fill="none" stroke="${color}" stroke-width="2" stroke-dasharray="${dash}" points="${path}"/>
${points.slice(1).map((point) => html`<circle class="point ${key}" cx="${x(point.at)}" cy="${y(point[key])}" r="3" fill="${color}" data-count="${point[key]}">
<title>${clock(new Date(from.getTime() + point.at * 1000))} UTC: ${point[key]} ${label} (+${point.added[key]})</title></circle>`)}`;
  });
  const summary = `${final.pages} pages fetched and ${final.links} links checked from ${clock(from)} to ${clock(new Date(progress.to))} UTC`;
  return html`<figure class="chart"><svg id="progress" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="progress-title progress-desc"
 xmlns="http://www.w3.org/2000/svg" font-size="11" font-family="system-ui, sans-serif">
<title id="progress-title">Progress of the crawl</title><desc id="progress-desc">${summary}</desc>
${grid}
<line x1="${PLOT.left}" x2="${PLOT.left}" y1="${PLOT.top}" y2="${HEIGHT - PLOT.bottom}" class="axis"/>
<line x1="${PLOT.left}" x2="${WIDTH - PLOT.right}" y1="${HEIGHT - PLOT.bottom}" y2="${HEIGHT - PLOT.bottom}" class="axis"/>
<text x="${PLOT.left}" y="${HEIGHT - PLOT.bottom + 16}">${clock(from)}</text>
<text x="${WIDTH - PLOT.right}" y="${HEIGHT - PLOT.bottom + 16}" text-anchor="end">${clock(new Date(progress.to))} UTC</text>
<text x="${(PLOT.left + WIDTH - PLOT.right) / 2}" y="${HEIGHT - PLOT.bottom + 16}" text-anchor="middle" class="muted-text">${duration(spanSeconds)} in all; a point per ${duration(progress.bucketSeconds)} that saw work</text>
${lines}
${SERIES.map(({ label, color, dash }, index) => html`<line x1="${PLOT.left + 4 + index * 140}" x2="${PLOT.left + 28 + index * 140}" y1="${HEIGHT - 9}" y2="${HEIGHT - 9}"
 stroke="${color}" stroke-width="2" stroke-dasharray="${dash}"/><text x="${PLOT.left + 34 + index * 140}" y="${HEIGHT - 5}">${label}</text>`)}
</svg><figcaption class="muted">Running totals. ${summary}.</figcaption></figure>`;
}
