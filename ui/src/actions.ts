// The state-changing requests: each confirmed first, each followed by a fresh state so the page
// shows the result within a second (the ps events confirm it after).
import { postJson } from './api';
import { confirm } from './confirm';
import { notify, refreshState, store } from './store';

export interface Action {
  title: string;
  detail?: string;
  label: string;
  danger?: boolean;
  path: string;
  body: unknown;
}

export async function runAction(action: Action): Promise<boolean> {
  const confirmed = await confirm({ title: action.title, detail: action.detail, action: action.label, danger: action.danger });
  if (!confirmed) return false;
  try {
    await postJson(action.path, action.body);
    store.error = null;
  } catch (error) {
    const hint = (error as { hint?: string }).hint;
    store.error = hint ? `${(error as Error).message} (${hint})` : (error as Error).message;
    notify();
    return false;
  }
  await refreshState();
  return true;
}
