// A tiny SVG line of the last ten minutes of one figure (less while the process is younger: the
// line then spans the time there is, so a new process does not show as a dot at the right edge).
import { METRICS_WINDOW_MS, type Sample } from './store';

interface Props {
  samples: Sample[] | undefined;
  /** 1 for CPU, 2 for memory. */
  field: 1 | 2;
  now: number;
  label: string;
}

const WIDTH = 80;
const HEIGHT = 18;

export function Sparkline({ samples, field, now, label }: Props) {
  const points = samples ? line(samples, field, now) : '';
  return (
    <svg class="spark" width={WIDTH} height={HEIGHT} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={label}>
      {points && <polyline points={points} />}
    </svg>
  );
}

function line(samples: Sample[], field: 1 | 2, now: number): string {
  const shown = samples.filter((s) => s[0] >= now - METRICS_WINDOW_MS && s[field] !== null) as [number, number, number][];
  if (shown.length < 2) return '';
  const values = shown.map((s) => s[field]);
  // CPU from 0 (an idle process is a flat line at the bottom, at least 5% tall); memory around its
  // range, so a leak shows as a climb even when it is small against the total.
  const high = field === 1 ? Math.max(5, ...values) : Math.max(...values) * 1.05;
  const low = field === 1 ? 0 : Math.min(...values) * 0.95;
  const start = shown[0][0];
  const span = Math.max(now - start, 1);
  return shown
    .map(([time], i) => {
      const x = ((time - start) / span) * WIDTH;
      const y = HEIGHT - 1 - ((values[i] - low) / Math.max(high - low, 1e-9)) * (HEIGHT - 2);
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(' ');
}
