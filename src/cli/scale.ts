import { controlRequest } from '../control/client.js';
import { processCount, splitItem } from '../formation/scale.js';
import type { ScaleResult } from '../supervisor/live-control.js';
import { TfError } from '../util/errors.js';
import { listItems } from '../util/list-items.js';
import { controlTarget, type ControlFlags } from './control-target.js';

export async function scale(items: string[], flags: ControlFlags): Promise<number> {
  const formation: Record<string, number> = {};
  for (const item of listItems(items)) {
    const { type, countText } = splitItem(item);
    if (type === '' || countText === undefined) throw new TfError(`"${item}" is not a type=count item`, 'write e.g. tf scale web=3 worker=0');
    formation[type] = processCount(item, countText);
  }
  const results = (await controlRequest(controlTarget(flags), { cmd: 'scale', formation })) as ScaleResult[];
  for (const r of results) {
    const change = r.started.length ? `, started ${r.started.join(', ')}` : r.stopping.length ? `, stopping ${r.stopping.join(', ')}` : '';
    process.stdout.write(`${r.type}: ${r.from} -> ${r.to}${change}\n`);
  }
  return 0;
}
