// The timeline as a standalone SVG document: a copy of the page's <svg> with
// the styles that matter written on each element (CSS variables resolved to
// their values), a background in the panel's colour, and no interactivity.
// The page's styles come through an accessor, so tests can give their own.

export const SVG_NS = 'http://www.w3.org/2000/svg';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

/** What is read of an element's computed style. */
export interface StyleLike {
  getPropertyValue(property: string): string;
}
export type StyleOf = (el: Element) => StyleLike;

/** Properties SVG inherits: written only where they differ from the parent's. */
const INHERITED = ['fill', 'fill-opacity', 'stroke', 'stroke-opacity', 'stroke-width', 'stroke-dasharray', 'font-family', 'font-size', 'font-weight', 'font-style', 'color'] as const;
/** Properties SVG does not inherit, with the initial value that need not be written. */
const OWN: readonly (readonly [string, string])[] = [['opacity', '1']];

/** Attributes that only make sense on the page. */
const PAGE_ONLY = ['tabindex', 'role', 'data-testid', 'focusable'];

const MAX_DEPTH = 16;

/**
 * Replaces each `var(--name)` or `var(--name, fallback)` in a CSS value by
 * the custom property's value from `lookup`, or else by the fallback; null if
 * one has neither (or the variables refer to each other in a loop).
 */
export function resolveVars(value: string, lookup: (name: string) => string, depth = 0): string | null {
  if (!value.includes('var(')) return value;
  if (depth > MAX_DEPTH) return null;
  let out = '';
  let i = 0;
  for (;;) {
    const at = value.indexOf('var(', i);
    if (at < 0) break;
    out += value.slice(i, at);
    // The matching ')' and the first top-level ',' of the var( ... ).
    let level = 0;
    let comma = -1;
    let end = -1;
    for (let j = at + 4; j < value.length; j++) {
      const c = value[j];
      if (c === '(') level++;
      else if (c === ')') {
        if (level === 0) {
          end = j;
          break;
        }
        level--;
      } else if (c === ',' && level === 0 && comma < 0) comma = j;
    }
    if (end < 0) return null;
    const name = value.slice(at + 4, comma < 0 ? end : comma).trim();
    const fallback = comma < 0 ? null : value.slice(comma + 1, end).trim();
    const got = lookup(name).trim();
    const raw = got !== '' ? got : fallback;
    if (raw === null) return null;
    const resolved = resolveVars(raw, lookup, depth + 1);
    if (resolved === null) return null;
    out += resolved;
    i = end + 1;
  }
  return (out + value.slice(i)).trim();
}

/** A property's value with its variables resolved against the same element's custom properties. */
export function resolvedValue(style: StyleLike, property: string): string | null {
  const v = style.getPropertyValue(property).trim();
  if (v === '') return null;
  return resolveVars(v, (name) => style.getPropertyValue(name));
}

function styleText(decls: readonly (readonly [string, string])[]): string {
  return decls.map(([p, v]) => `${p}:${v}`).join(';');
}

/**
 * Writes the computed styles that matter of each element of `source` as the
 * `style` attribute of the same element of `clone` (a deep copy of it):
 * inherited properties where they differ from the parent's (all of them on
 * the root), `opacity` where it is not 1. Variables are resolved; a property
 * that cannot be resolved is left out.
 */
export function inlineStyles(source: Element, clone: Element, styleOf: StyleOf): void {
  const walk = (src: Element, dst: Element, parent: ReadonlyMap<string, string> | null) => {
    const style = styleOf(src);
    const mine = new Map<string, string>();
    const decls: [string, string][] = [];
    for (const p of INHERITED) {
      const v = resolvedValue(style, p);
      if (v === null) continue;
      mine.set(p, v);
      if (parent === null || parent.get(p) !== v) decls.push([p, v]);
    }
    for (const [p, initial] of OWN) {
      const v = resolvedValue(style, p);
      if (v !== null && v !== initial) decls.push([p, v]);
    }
    // Whatever the element had inline came from the page: the computed values replace it.
    if (decls.length > 0) dst.setAttribute('style', styleText(decls));
    else dst.removeAttribute('style');
    const a = src.children;
    const b = dst.children;
    for (let k = 0; k < a.length && k < b.length; k++) {
      const x = a.item(k);
      const y = b.item(k);
      if (x !== null && y !== null) walk(x, y, mine);
    }
  };
  walk(source, clone, null);
}

/** The colour behind the timeline: the panel's background, else `--panel`, else white. */
export function backgroundColour(panel: StyleLike | null): string {
  if (panel !== null) {
    const bg = resolvedValue(panel, 'background-color');
    if (bg !== null && !/^(transparent|rgba\(\s*0,\s*0,\s*0,\s*0\s*\))$/.test(bg)) return bg;
    const v = resolveVars('var(--panel)', (name) => panel.getPropertyValue(name));
    if (v !== null && v !== '') return v;
  }
  return '#ffffff';
}

/** The region whose accessible name (by aria-labelledby or aria-label) is `name`. */
export function findRegion(root: ParentNode, name: string): Element | null {
  const doc = (root as Node).ownerDocument ?? (root as Document);
  for (const el of Array.from(root.querySelectorAll('[role="region"], section'))) {
    const ids = el.getAttribute('aria-labelledby');
    const label = ids !== null ? ids.split(/\s+/).map((id) => doc.getElementById(id)?.textContent ?? '').join(' ') : el.getAttribute('aria-label');
    if (label?.trim() === name) return el;
  }
  return null;
}

/**
 * The timeline's <svg> (the plot and its axes), the <svg> drawn over it (the
 * veil of what is yet to come, the marks, the now line), and its panel, if
 * the Timeline region is on the page.
 */
export function findTimeline(root: ParentNode = document): { readonly svg: SVGSVGElement; readonly over: SVGSVGElement | null; readonly panel: Element } | null {
  const panel = findRegion(root, 'Timeline');
  const svg = panel?.querySelector<SVGSVGElement>('svg.tl-svg') ?? null;
  return panel !== null && svg !== null ? { svg, over: panel.querySelector<SVGSVGElement>('svg.tl-svg-top'), panel } : null;
}

export interface SvgExport {
  /** The SVG document's text, with an XML declaration. */
  readonly text: string;
  readonly width: number;
  readonly height: number;
}

function size(svg: SVGSVGElement, attr: 'width' | 'height'): number {
  const n = Number.parseFloat(svg.getAttribute(attr) ?? '');
  if (Number.isFinite(n) && n > 0) return n;
  const box = svg.getBoundingClientRect();
  return Math.max(1, Math.round(attr === 'width' ? box.width : box.height));
}

/**
 * The timeline `svg` as a standalone document: styles inlined, a background
 * rect of `background`, a <title>, explicit size and viewBox, the SVG
 * namespace, and none of the page's focus and roles. The page draws what
 * moves with the playhead in a second <svg> over the plot (`over`): its
 * elements follow the plot's in the document, as they lie over it on the page.
 */
export function standaloneSvg(svg: SVGSVGElement, opts: { readonly styleOf: StyleOf; readonly background: string; readonly title: string; readonly over?: SVGSVGElement | null }): SvgExport {
  const doc = svg.ownerDocument;
  const clone = svg.cloneNode(true) as SVGSVGElement;
  inlineStyles(svg, clone, opts.styleOf);
  for (const el of Array.from(opts.over?.children ?? [])) {
    const copy = el.cloneNode(true) as Element;
    inlineStyles(el, copy, opts.styleOf);
    clone.appendChild(copy);
  }
  const width = size(svg, 'width');
  const height = size(svg, 'height');

  for (const el of [clone, ...Array.from(clone.querySelectorAll('*'))]) for (const a of PAGE_ONLY) el.removeAttribute(a);
  // As a namespace declaration (a plain attribute would be serialised twice).
  clone.setAttributeNS(XMLNS_NS, 'xmlns', SVG_NS);
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));
  if (!clone.hasAttribute('viewBox')) clone.setAttribute('viewBox', `0 0 ${width} ${height}`);
  clone.setAttribute('role', 'img');
  // On the page the plot's <svg> is hidden from assistive technology (the group around it is named); the document is an image with a title.
  clone.removeAttribute('aria-hidden');

  const bg = doc.createElementNS(SVG_NS, 'rect');
  bg.setAttribute('class', 'export-background');
  bg.setAttribute('x', '0');
  bg.setAttribute('y', '0');
  bg.setAttribute('width', String(width));
  bg.setAttribute('height', String(height));
  bg.setAttribute('fill', opts.background);
  clone.insertBefore(bg, clone.firstChild);
  const title = doc.createElementNS(SVG_NS, 'title');
  title.textContent = opts.title;
  clone.insertBefore(title, clone.firstChild);

  const xml = new XMLSerializer().serializeToString(clone);
  return { text: `<?xml version="1.0" encoding="UTF-8"?>\n${xml}\n`, width, height };
}
