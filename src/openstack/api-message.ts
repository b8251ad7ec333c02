// Pulls the human message out of an OpenStack error body (Nova's `{"<fault>": {"message"}}`, Keystone's `{"error": {...}}`, Placement's `{"errors": [...]}`).

const MAX_LEN = 500;

export function apiMessageOf(body: unknown): string | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const rec = body as Record<string, unknown>;
  if (typeof rec['message'] === 'string') return clip(rec['message']);
  // Placement: {"errors": [{"status", "title", "detail"}]}.
  const first: unknown = Array.isArray(rec['errors']) ? (rec['errors'] as unknown[])[0] : undefined;
  if (first !== null && typeof first === 'object' && typeof (first as Record<string, unknown>)['detail'] === 'string') {
    return clip((first as Record<string, string>)['detail'] ?? '');
  }
  // Nova wraps the fault in one key named after its kind (badRequest, conflictingRequest, itemNotFound, computeFault...).
  for (const value of Object.values(rec)) {
    if (value !== null && typeof value === 'object' && typeof (value as Record<string, unknown>)['message'] === 'string') {
      return clip((value as Record<string, string>)['message'] ?? '');
    }
  }
  return undefined;
}

function clip(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > MAX_LEN ? `${one.slice(0, MAX_LEN)}…` : one;
}
