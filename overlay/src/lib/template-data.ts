/**
 * Data CasparCG (or another controller) passes to `update(data)`: JSON, or CasparCG's XML
 * `<templateData><componentData id="event"><data id="text" value="…"/></componentData>…`.
 * Recognised keys: channel and key (a channel's permanent link), or event and key (one event's
 * link); label, bg.
 */
export interface TemplateData {
  channel?: string;
  event?: string;
  key?: string;
  label?: string;
  bg?: string;
}

const KEYS = ['channel', 'event', 'key', 'label', 'bg'] as const;

export function parseTemplateData(data: unknown): TemplateData {
  if (typeof data === 'object' && data !== null) return pick(data as Record<string, unknown>);
  if (typeof data !== 'string' || data.trim() === '') return {};
  const text = data.trim();
  if (text.startsWith('{')) {
    try {
      return pick(JSON.parse(text) as Record<string, unknown>);
    } catch {
      return {};
    }
  }
  if (text.startsWith('<')) {
    const doc = new DOMParser().parseFromString(text, 'application/xml');
    const found: Record<string, unknown> = {};
    for (const component of doc.querySelectorAll('componentData')) {
      const value = component.querySelector('data')?.getAttribute('value');
      const id = component.getAttribute('id');
      if (id && value !== null && value !== undefined) found[id] = value;
    }
    return pick(found);
  }
  return {};
}

function pick(source: Record<string, unknown>): TemplateData {
  const out: TemplateData = {};
  for (const key of KEYS) {
    const value = source[key];
    if (typeof value === 'string' && value.length <= 200) out[key] = value;
  }
  return out;
}
