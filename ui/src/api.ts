// Requests to tf's ui server. Same origin, so the session cookie rides along and the browser
// sends the Origin header the server checks on every POST.

export class ApiError extends Error {
  constructor(message: string, readonly hint: string | undefined, readonly status: number) {
    super(message);
  }
}

async function answer<T>(response: Response): Promise<T> {
  const body = (await response.json().catch(() => null)) as (T & { error?: string; hint?: string }) | null;
  if (!response.ok || body === null) {
    throw new ApiError(body?.error ?? `${response.status} ${response.statusText}`, body?.hint, response.status);
  }
  return body;
}

export async function getJson<T>(path: string): Promise<T> {
  return answer<T>(await fetch(path, { headers: { accept: 'application/json' }, cache: 'no-store' }));
}

export async function postJson<T>(path: string, body: unknown): Promise<T> {
  return answer<T>(
    await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    }),
  );
}

/** A query string from the defined values only. */
export function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}
