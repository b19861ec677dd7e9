// A tiny SVG line of the last ten minutes of one figure.
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
  const points: string[] = [];
  if (samples && samples.length > 1) {
    const start = now - METRICS_WINDOW_MS;
    let max = field === 1 ? 100 : 1;
    for (const sample of samples) max = Math.max(max, sample[field] ?? 0);
    for (const sample of samples) {
      const value = sample[field];
      if (value === null || sample[0] < start) continue;
      const x = ((sample[0] - start) / METRICS_WINDOW_MS) * WIDTH;
      const y = HEIGHT - 1 - (value / max) * (HEIGHT - 2);
      points.push(`${x.toFixed(1)},${y.toFixed(1)}`);
    }
  }
  return (
    <svg class="spark" width={WIDTH} height={HEIGHT} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={label}>
      {points.length > 1 && <polyline points={points.join(' ')} />}
    </svg>
  );
}
