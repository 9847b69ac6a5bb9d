// What an export is called and what it holds: a file-name slug of the
// scenario's name, and each kind's file suffix and media type.

/** The four things the Export menu offers. */
export type ExportItem = 'svg' | 'png' | 'trace' | 'log';

export const EXPORT_ITEMS: readonly { readonly item: ExportItem; readonly label: string }[] = [
  { item: 'svg', label: 'Timeline as SVG' },
  { item: 'png', label: 'Timeline as PNG' },
  { item: 'trace', label: 'Trace as JSON lines' },
  { item: 'log', label: 'Log as text' },
];

const SUFFIX: Readonly<Record<ExportItem, string>> = {
  svg: 'timeline.svg',
  png: 'timeline.png',
  trace: 'trace.jsonl',
  log: 'log.txt',
};

export const MEDIA_TYPE: Readonly<Record<ExportItem, string>> = {
  svg: 'image/svg+xml;charset=utf-8',
  png: 'image/png',
  trace: 'application/x-ndjson;charset=utf-8',
  log: 'text/plain;charset=utf-8',
};

/** Used when there is no scenario name, or nothing of it is left. */
export const FALLBACK_SLUG = 'klpscope';
const MAX_SLUG = 60;

/**
 * A file-name-safe form of a scenario name: lower case ASCII letters and
 * digits, runs of anything else as one `-`, no `-` at either end, at most
 * 60 characters (cut at a word boundary where there is one).
 */
export function slug(name: string | null | undefined): string {
  const s = (name ?? '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (s.length <= MAX_SLUG) return s === '' ? FALLBACK_SLUG : s;
  const cut = s.slice(0, MAX_SLUG + 1);
  const dash = cut.lastIndexOf('-');
  return (dash >= MAX_SLUG / 2 ? cut.slice(0, dash) : s.slice(0, MAX_SLUG)).replace(/-+$/, '');
}

/** `NAME-timeline.svg`, `NAME-timeline.png`, `NAME-trace.jsonl` or `NAME-log.txt`. */
export function exportFilename(name: string | null | undefined, item: ExportItem): string {
  return `${slug(name)}-${SUFFIX[item]}`;
}

/** The file's text: a text file ends with a newline unless it is empty. */
export function textFile(text: string): string {
  return text === '' || text.endsWith('\n') ? text : `${text}\n`;
}
