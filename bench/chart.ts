import type { TimelineSample } from './crawl-run.js';

const WIDTH = 760;
const HEIGHT = 320;
const MARGIN = { top: 36, right: 20, bottom: 40, left: 56 };
// Rates over a sliding window: the 500 ms polls alone are jagged (jobs land in batches).
const WINDOW_SECONDS = 2;

interface Point {
  seconds: number;
  pagesPerSecond: number;
  checksPerSecond: number;
}

/** Pages and checks per second at each sample, over the preceding window. */
function rates(timeline: TimelineSample[]): Point[] {
  const points: Point[] = [];
  let from = 0;
  for (const sample of timeline.slice(1)) {
    while (timeline[from + 1]!.seconds <= sample.seconds - WINDOW_SECONDS) from++;
    const start = timeline[from]!;
    const span = sample.seconds - start.seconds;
    if (span <= 0) continue;
    points.push({
      seconds: sample.seconds,
      pagesPerSecond: (sample.pagesCrawled - start.pagesCrawled) / span,
      checksPerSecond: (sample.linksChecked - start.linksChecked) / span,
    });
  }
  return points;
}

/** 1, 2 or 5 times a power of ten: axis steps a reader can add up. */
function niceStep(range: number, ticks: number): number {
  const raw = range / ticks;
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((factor) => factor * power).find((step) => step >= raw)!;
}

const round = (value: number) => Math.round(value * 10) / 10;

/**
 * A line chart of pages/s and checks/s over a crawl, as a standalone SVG written by hand (no chart
 * library for one picture per run).
 */
export function timelineChart(title: string, timeline: TimelineSample[]): string {
  const points = rates(timeline);
  const maxSeconds = Math.max(1, ...points.map((point) => point.seconds));
  const maxRate = Math.max(1, ...points.flatMap((point) => [point.pagesPerSecond, point.checksPerSecond]));
  const xStep = niceStep(maxSeconds, 8);
  const yStep = niceStep(maxRate, 5);
  const xMax = Math.ceil(maxSeconds / xStep) * xStep;
  const yMax = Math.ceil(maxRate / yStep) * yStep;
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (seconds: number) => round(MARGIN.left + (seconds / xMax) * plotWidth);
  const y = (rate: number) => round(MARGIN.top + plotHeight - (rate / yMax) * plotHeight);
  const line = (rate: (point: Point) => number, color: string) =>
    `<polyline fill="none" stroke="${color}" stroke-width="1.8" points="${points.map((point) => `${x(point.seconds)},${y(rate(point))}`).join(' ')}"/>`;

  const grid: string[] = [];
  for (let value = 0; value <= yMax; value += yStep) {
    grid.push(`<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(value)}" y2="${y(value)}" stroke="#e3e3e3"/>`);
    grid.push(`<text x="${MARGIN.left - 6}" y="${y(value) + 4}" text-anchor="end">${value}</text>`);
  }
  for (let value = 0; value <= xMax; value += xStep) {
    grid.push(`<text x="${x(value)}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle">${value}</text>`);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="11">
<rect width="100%" height="100%" fill="#fff"/>
<text x="${MARGIN.left}" y="20" font-size="13" font-weight="bold">${title}</text>
${grid.join('\n')}
<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${HEIGHT - MARGIN.bottom}" stroke="#888"/>
<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${HEIGHT - MARGIN.bottom}" y2="${HEIGHT - MARGIN.bottom}" stroke="#888"/>
<text x="${MARGIN.left + plotWidth / 2}" y="${HEIGHT - 8}" text-anchor="middle">seconds since the crawl was created</text>
${line((point) => point.checksPerSecond, '#1f6fb4')}
${line((point) => point.pagesPerSecond, '#2e9d3a')}
<g transform="translate(${WIDTH - MARGIN.right - 200},${MARGIN.top - 14})">
<line x1="0" x2="18" y1="0" y2="0" stroke="#2e9d3a" stroke-width="2"/><text x="22" y="4">pages/s</text>
<line x1="90" x2="108" y1="0" y2="0" stroke="#1f6fb4" stroke-width="2"/><text x="112" y="4">checks/s</text>
</g>
</svg>
`;
}
